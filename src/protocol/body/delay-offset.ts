/**
 * delay-offset.ts: DelayOffsetSerializeWrapper.java, the broker's delayOffset.json and the body of
 * GET_ALL_DELAY_OFFSET (45): for each delay level, the next SCHEDULE_TOPIC_XXXX queue offset to
 * deliver. fastjson writes the integer level keys unquoted:
 *
 *   {"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"offsetTable":{1:0,2:5}}
 */
import { BodyError } from '../errors.js';
import { parseFastJson, stringifyFastJson } from './fastjson.js';
import { asInteger, asObject, optional } from './shape.js';
import { dataVersionToJson, decodeDataVersion, type DataVersion } from './topic-config.js';

export interface DelayOffsetTable {
  /** Delay level (1-based) to the next queue offset of its schedule queue (level - 1). */
  readonly offsetTable: ReadonlyMap<number, number>;
  readonly dataVersion?: DataVersion | undefined;
}

export function encodeDelayOffsetTable(table: DelayOffsetTable): string {
  const offsets: Record<string, number> = {};
  for (const [level, offset] of [...table.offsetTable].sort(([a], [b]) => a - b)) offsets[String(level)] = offset;
  const json: Record<string, unknown> = {};
  if (table.dataVersion !== undefined) json['dataVersion'] = dataVersionToJson(table.dataVersion);
  json['offsetTable'] = offsets;
  return stringifyFastJson(json, true);
}

export function decodeDelayOffsetTable(text: string, what = 'delayOffset'): DelayOffsetTable {
  const root = asObject(parseFastJson(text), what);
  const offsets = optional(root['offsetTable'], {}, (v) => asObject(v, `${what}.offsetTable`));
  const offsetTable = new Map<number, number>();
  for (const [key, value] of Object.entries(offsets)) {
    const level = Number(key);
    if (!/^\d+$/.test(key) || !Number.isSafeInteger(level)) throw new BodyError(`${what}.offsetTable has a key that is not a level: ${JSON.stringify(key)}`);
    offsetTable.set(level, asInteger(value, `${what}.offsetTable.${key}`));
  }
  const dataVersion = optional(root['dataVersion'], undefined, (v) => decodeDataVersion(v, `${what}.dataVersion`));
  return { offsetTable, dataVersion };
}
