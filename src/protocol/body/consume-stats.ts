/**
 * consume-stats.ts: ConsumeStats (the answer of GET_CONSUME_STATS 208: per queue the broker's max
 * offset, the group's committed offset, its pull offset and the store time of the last consumed
 * message, plus the group's consume TPS) and ConsumeStatsList (GET_BROKER_CONSUME_STATS 317), as
 * fastjson writes them: the offsetTable is keyed by MessageQueue objects.
 */
import { BodyError } from '../errors.js';
import { isFastJsonTreeObject, fastJsonTreeField, parseFastJsonTree, type QueueKey } from './message-queue-map.js';
import { asArray, asInteger, asObject, optional } from './shape.js';
import { decodeQueueMapTree, encodeQueueMapText, javaDoubleJson, sortedJson, treeEntries, treeToJson } from './tree-shape.js';

export interface OffsetWrapper {
  readonly brokerOffset: number;
  readonly consumerOffset: number;
  /** The furthest offset pulled (>= consumerOffset); what is in flight is pullOffset - consumerOffset. */
  readonly pullOffset: number;
  /** Store time of the message at consumerOffset - 1; 0 when unknown. */
  readonly lastTimestamp: number;
}

export interface ConsumeStatsEntry {
  readonly queue: QueueKey;
  readonly offset: OffsetWrapper;
}

export interface ConsumeStats {
  readonly offsetTable: readonly ConsumeStatsEntry[];
  readonly consumeTps: number;
}

export interface ConsumeStatsList {
  readonly brokerAddr: string;
  /** One map per group: group name → its ConsumeStats, one per topic. */
  readonly consumeStatsList: readonly { readonly group: string; readonly stats: readonly ConsumeStats[] }[];
  readonly totalDiff: number;
  readonly totalInflightDiff: number;
}

function asNumber(value: unknown, path: string): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) throw new BodyError(`${path} is not a number`);
  return number;
}

function decodeOffsetWrapper(value: unknown, path: string): OffsetWrapper {
  const object = asObject(value, path);
  const long = (name: string): number => optional(object[name], 0, (v) => asInteger(v, `${path}.${name}`));
  return { brokerOffset: long('brokerOffset'), consumerOffset: long('consumerOffset'), pullOffset: long('pullOffset'), lastTimestamp: long('lastTimestamp') };
}

function consumeStatsText(stats: ConsumeStats): string {
  const table = encodeQueueMapText(stats.offsetTable.map(({ queue, offset }) => ({ queue, json: sortedJson({ ...offset }) })));
  return `{"consumeTps":${javaDoubleJson(stats.consumeTps)},"offsetTable":${table}}`;
}

export function encodeConsumeStats(stats: ConsumeStats): Buffer {
  return Buffer.from(consumeStatsText(stats));
}

function consumeStatsOfTree(root: ReturnType<typeof parseFastJsonTree>, path: string): ConsumeStats {
  if (!isFastJsonTreeObject(root)) throw new BodyError(`${path} is not an object`);
  const tps = fastJsonTreeField(root, 'consumeTps');
  return {
    offsetTable: decodeQueueMapTree(fastJsonTreeField(root, 'offsetTable'), `${path}.offsetTable`, decodeOffsetWrapper).map(({ queue, value }) => ({ queue, offset: value })),
    consumeTps: tps === undefined || tps === null ? 0 : asNumber(treeToJson(tps, `${path}.consumeTps`), `${path}.consumeTps`),
  };
}

/** Throws BodyError. */
export function decodeConsumeStats(body: Buffer | undefined): ConsumeStats {
  return consumeStatsOfTree(parseFastJsonTree(body, 'consumeStats'), 'consumeStats');
}

/** The sum of brokerOffset - consumerOffset (ConsumeStats.computeTotalDiff). */
export function consumeStatsTotalDiff(stats: ConsumeStats): number {
  return stats.offsetTable.reduce((sum, { offset }) => sum + offset.brokerOffset - offset.consumerOffset, 0);
}

/** The sum of pullOffset - consumerOffset (ConsumeStats.computeInflightTotalDiff). */
export function consumeStatsInflightDiff(stats: ConsumeStats): number {
  return stats.offsetTable.reduce((sum, { offset }) => sum + offset.pullOffset - offset.consumerOffset, 0);
}

export function encodeConsumeStatsList(list: ConsumeStatsList): Buffer {
  const groups = list.consumeStatsList.map(({ group, stats }) => `{${JSON.stringify(group)}:[${stats.map(consumeStatsText).join(',')}]}`);
  return Buffer.from(
    `{"brokerAddr":${JSON.stringify(list.brokerAddr)},"consumeStatsList":[${groups.join(',')}],"totalDiff":${list.totalDiff},"totalInflightDiff":${list.totalInflightDiff}}`,
  );
}

/** Throws BodyError. */
export function decodeConsumeStatsList(body: Buffer | undefined): ConsumeStatsList {
  const root = parseFastJsonTree(body, 'consumeStatsList');
  if (!isFastJsonTreeObject(root)) throw new BodyError('consumeStatsList is not an object');
  const list = fastJsonTreeField(root, 'consumeStatsList');
  const maps = list === undefined || list === null ? [] : Array.isArray(list) ? list : asArray(list, 'consumeStatsList.consumeStatsList');
  const consumeStatsList = (maps as ReturnType<typeof parseFastJsonTree>[]).flatMap((map, index) =>
    treeEntries(map, `consumeStatsList[${index}]`).map(([group, stats]) => {
      if (!Array.isArray(stats)) throw new BodyError(`consumeStatsList[${index}].${group} is not an array`);
      return { group, stats: stats.map((item, at) => consumeStatsOfTree(item, `consumeStatsList[${index}].${group}[${at}]`)) };
    }),
  );
  const plain = (name: string): unknown => treeToJson(fastJsonTreeField(root, name), `consumeStatsList.${name}`);
  return {
    brokerAddr: optional(plain('brokerAddr'), '', (v) => String(v)),
    consumeStatsList,
    totalDiff: optional(plain('totalDiff'), 0, (v) => asInteger(v, 'consumeStatsList.totalDiff')),
    totalInflightDiff: optional(plain('totalInflightDiff'), 0, (v) => asInteger(v, 'consumeStatsList.totalInflightDiff')),
  };
}
