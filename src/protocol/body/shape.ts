/**
 * shape.ts: checks that a parsed JSON body has the shape a RocketMQ body class has, and says
 * where it does not ("heartbeat.consumerDataSet[0].groupName is not a string"). Fields Java
 * would leave null may be absent; a present field of the wrong type is an error.
 */
import { BodyError } from '../errors.js';

export type JsonObject = Readonly<Record<string, unknown>>;

export function asObject(value: unknown, path: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BodyError(`${path} is not an object`);
  return value as JsonObject;
}

export function asArray(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new BodyError(`${path} is not an array`);
  return value;
}

export function asString(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new BodyError(`${path} is not a string`);
  return value;
}

/** Java ints and longs; fastjson may also write them as strings. */
export function asInteger(value: unknown, path: string): number {
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) throw new BodyError(`${path} is not an integer`);
  return number;
}

export function asBoolean(value: unknown, path: string): boolean {
  if (value === 'true' || value === 'false') return value === 'true';
  if (typeof value !== 'boolean') throw new BodyError(`${path} is not a boolean`);
  return value;
}

/** `read(value)` when the field is present and not null, else `fallback`. */
export function optional<T>(value: unknown, fallback: T, read: (value: unknown) => T): T {
  return value === undefined || value === null ? fallback : read(value);
}

/** A JSON object whose values are all strings (Map<String,String> in Java). */
export function asStringMap(value: unknown, path: string): Record<string, string> {
  const object = asObject(value, path);
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(object)) out[key] = asString(entry, `${path}.${key}`);
  return out;
}
