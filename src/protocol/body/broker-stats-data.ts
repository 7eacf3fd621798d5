/**
 * broker-stats-data.ts: BrokerStatsData (the answer of VIEW_BROKER_STATS_DATA 315): one statistic's
 * sum, rate (tps) and average per call (avgpt) over the last minute, hour and day, as Java writes
 * it: {"statsDay":{"avgpt":0.0,"sum":0,"tps":0.0},"statsHour":{..},"statsMinute":{..}}.
 */
import { BodyError } from '../errors.js';
import { parseBody } from './fastjson.js';
import { asInteger, asObject, optional } from './shape.js';
import { javaDoubleJson } from './tree-shape.js';

export interface BrokerStatsItem {
  readonly sum: number;
  readonly tps: number;
  readonly avgpt: number;
}

export interface BrokerStatsData {
  readonly statsMinute: BrokerStatsItem;
  readonly statsHour: BrokerStatsItem;
  readonly statsDay: BrokerStatsItem;
}

function itemText(item: BrokerStatsItem): string {
  return `{"avgpt":${javaDoubleJson(item.avgpt)},"sum":${Math.trunc(item.sum)},"tps":${javaDoubleJson(item.tps)}}`;
}

export function encodeBrokerStatsData(data: BrokerStatsData): Buffer {
  return Buffer.from(`{"statsDay":${itemText(data.statsDay)},"statsHour":${itemText(data.statsHour)},"statsMinute":${itemText(data.statsMinute)}}`);
}

function asDouble(value: unknown, path: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new BodyError(`${path} is not a number`);
  return number;
}

const ZERO: BrokerStatsItem = { sum: 0, tps: 0, avgpt: 0 };

function decodeItem(value: unknown, path: string): BrokerStatsItem {
  const object = asObject(value, path);
  return {
    sum: optional(object['sum'], 0, (v) => asInteger(v, `${path}.sum`)),
    tps: optional(object['tps'], 0, (v) => asDouble(v, `${path}.tps`)),
    avgpt: optional(object['avgpt'], 0, (v) => asDouble(v, `${path}.avgpt`)),
  };
}

/** Throws BodyError; a missing period reads as zeros (Java leaves it null). */
export function decodeBrokerStatsData(body: Buffer | undefined): BrokerStatsData {
  const root = asObject(parseBody(body, 'broker stats data'), 'brokerStatsData');
  return {
    statsMinute: optional(root['statsMinute'], ZERO, (v) => decodeItem(v, 'brokerStatsData.statsMinute')),
    statsHour: optional(root['statsHour'], ZERO, (v) => decodeItem(v, 'brokerStatsData.statsHour')),
    statsDay: optional(root['statsDay'], ZERO, (v) => decodeItem(v, 'brokerStatsData.statsDay')),
  };
}
