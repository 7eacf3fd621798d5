/**
 * tree-shape.ts: reading and writing the fastjson bodies whose maps are keyed by MessageQueue
 * objects (ConsumeStats, ConsumerRunningInfo, GetConsumerStatusBody, ...). A body is parsed with
 * message-queue-map.ts's tree parser; string-keyed parts become plain JSON for shape.ts checks,
 * MessageQueue-keyed maps become entry lists. Writing builds the text by hand, since such a key
 * is not JSON.
 */
import { BodyError } from '../errors.js';
import {
  decodeQueueKey,
  encodeQueueKey,
  isFastJsonTreeObject,
  type FastJsonTreeValue,
  type QueueKey,
} from './message-queue-map.js';

/** A tree value as plain JSON; a key that is not a string or number is a BodyError. */
export function treeToJson(value: FastJsonTreeValue | undefined, path: string): unknown {
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item, index) => treeToJson(item, `${path}[${index}]`));
  const out: Record<string, unknown> = {};
  for (const [key, entry] of value.entries) {
    if (typeof key !== 'string' && typeof key !== 'number') throw new BodyError(`${path}: a key is not a string`);
    out[String(key)] = treeToJson(entry, `${path}.${String(key)}`);
  }
  return out;
}

/** The string-keyed entries of a tree object (null/absent: none). */
export function treeEntries(value: FastJsonTreeValue | undefined, path: string): [string, FastJsonTreeValue][] {
  if (value === undefined || value === null) return [];
  if (!isFastJsonTreeObject(value)) throw new BodyError(`${path} is not an object`);
  return value.entries.map(([key, entry]) => {
    if (typeof key !== 'string' && typeof key !== 'number') throw new BodyError(`${path}: a key is not a string`);
    return [String(key), entry];
  });
}

/** A Map<MessageQueue, V> (null/absent: empty), each value read by `decode` from plain JSON. */
export function decodeQueueMapTree<V>(value: FastJsonTreeValue | undefined, path: string, decode: (json: unknown, path: string) => V): { queue: QueueKey; value: V }[] {
  if (value === undefined || value === null) return [];
  if (!isFastJsonTreeObject(value)) throw new BodyError(`${path} is not an object`);
  return value.entries.map(([key, entry], index) => ({
    queue: decodeQueueKey(key, path),
    value: decode(treeToJson(entry, `${path}[${index}]`), `${path}[${index}]`),
  }));
}

/** `{{mq}:<value json>,...}` with each value already written as JSON text. */
export function encodeQueueMapText(entries: readonly { readonly queue: QueueKey; readonly json: string }[]): string {
  return `{${entries.map(({ queue, json }) => `${encodeQueueKey(queue)}:${json}`).join(',')}}`;
}

/** A Java double as fastjson writes it: always with a fraction ("0.0", "12.5"). */
export function javaDoubleJson(value: number): string {
  if (!Number.isFinite(value)) return '0.0';
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** JSON text of a plain object with its keys in fastjson's (alphabetical) order. */
export function sortedJson(object: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(object).filter((key) => object[key] !== undefined).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(object[key])}`).join(',')}}`;
}

/** Java's MessageQueue ordering (topic, then brokerName, then queueId), for sorted tables. */
export function compareQueueKeys(a: QueueKey, b: QueueKey): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}
