/**
 * message-queue-map.ts: a Map<MessageQueue, Long> the way fastjson writes it, with each key a JSON
 * object: {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:12,...}}. That is not JSON,
 * but RocketMQ uses it for ResetOffsetBody (the body of RESET_CONSUMER_CLIENT_OFFSET 220) and for a
 * broadcasting consumer's offsets.json (OffsetSerializeWrapper), so both sides must read and write it.
 *
 * The reader is a small JSON parser that also accepts object keys and bare integer keys, with a
 * depth bound; whitespace (fastjson's pretty form uses tabs and newlines) is allowed anywhere.
 */
import { BodyError } from '../errors.js';

export interface QueueKey {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export interface QueueOffsetEntry {
  readonly queue: QueueKey;
  readonly offset: number;
}

const DEPTH_MAX = 32;

/** A MessageQueue as fastjson writes it, as a key or a value: fields in its (alphabetical) order. */
export function encodeQueueKey(queue: QueueKey): string {
  return `{"brokerName":${JSON.stringify(queue.brokerName)},"queueId":${queue.queueId},"topic":${JSON.stringify(queue.topic)}}`;
}

/** `{"<field>":{{mq}:offset,...}}`, keys in fastjson's order (brokerName, queueId, topic). */
export function encodeMessageQueueMap(field: string, entries: readonly QueueOffsetEntry[]): Buffer {
  const pairs = entries.map(({ queue, offset }) => `${encodeQueueKey(queue)}:${offset}`);
  return Buffer.from(`{${JSON.stringify(field)}:{${pairs.join(',')}}}`);
}

/** A value as fastjson writes it: objects keep their entries, whose keys may be any value. */
export type FastJsonTreeValue = null | boolean | number | string | FastJsonTreeValue[] | FastJsonTreeObject;
export interface FastJsonTreeObject {
  readonly entries: [FastJsonTreeValue, FastJsonTreeValue][];
}
type Value = FastJsonTreeValue;
type ObjectValue = FastJsonTreeObject;

class Reader {
  private pos = 0;
  constructor(private readonly text: string) {}

  fail(what: string): never {
    throw new BodyError(`message queue map: ${what} at character ${this.pos}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.pos++;
  }

  atEnd(): boolean {
    return this.peek() === '';
  }

  value(depth: number): Value {
    if (depth > DEPTH_MAX) this.fail('nesting too deep');
    const char = this.peek();
    if (char === '{') return this.object(depth);
    if (char === '[') return this.array(depth);
    if (char === '"') return this.string();
    const literal = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(this.text.slice(this.pos, this.pos + 40));
    if (!literal?.[1]) return this.fail('expected a value');
    this.pos += literal[1].length;
    return literal[1] === 'true' ? true : literal[1] === 'false' ? false : literal[1] === 'null' ? null : Number(literal[1]);
  }

  private string(): string {
    const match = /^"(?:[^"\\]|\\.)*"/.exec(this.text.slice(this.pos));
    if (!match) return this.fail('unterminated string');
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private array(depth: number): Value[] {
    this.expect('[');
    const items: Value[] = [];
    if (this.peek() === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(depth + 1));
      if (this.peek() === ']') break;
      this.expect(',');
    }
    this.pos++;
    return items;
  }

  private object(depth: number): ObjectValue {
    this.expect('{');
    const entries: [Value, Value][] = [];
    if (this.peek() === '}') {
      this.pos++;
      return { entries };
    }
    for (;;) {
      const key = this.value(depth + 1);
      this.expect(':');
      entries.push([key, this.value(depth + 1)]);
      if (this.peek() === '}') break;
      this.expect(',');
    }
    this.pos++;
    return { entries };
  }
}

export function isFastJsonTreeObject(value: Value | undefined): value is ObjectValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
const isObject = isFastJsonTreeObject;

/** The value of a string-keyed entry of a parsed object, or undefined. */
export function fastJsonTreeField(object: ObjectValue, name: string): Value | undefined {
  return object.entries.find(([key]) => key === name)?.[1];
}
const field = fastJsonTreeField;

/**
 * Parses fastjson text (object keys that are objects or bare integers allowed) into a tree that
 * keeps each object's entries in order. Throws BodyError.
 */
export function parseFastJsonTree(body: Buffer | string | undefined, what: string): FastJsonTreeValue {
  const text = typeof body === 'string' ? body : (body?.toString('utf8') ?? '');
  if (text.trim().length === 0) throw new BodyError(`${what}: the body is empty`);
  const reader = new Reader(text);
  const root = reader.value(0);
  if (!reader.atEnd()) reader.fail('text after the value');
  return root;
}

/** A MessageQueue written as an object key ({"brokerName":..,"queueId":..,"topic":..}). Throws BodyError. */
export function decodeQueueKey(key: Value, where: string): QueueKey {
  if (!isObject(key)) throw new BodyError(`${where}: a key is not a message queue`);
  const topic = field(key, 'topic');
  const brokerName = field(key, 'brokerName');
  const queueId = field(key, 'queueId');
  if (typeof topic !== 'string' || typeof brokerName !== 'string' || typeof queueId !== 'number' || !Number.isInteger(queueId)) {
    throw new BodyError(`${where}: a message queue needs topic, brokerName and an integer queueId`);
  }
  return { topic, brokerName, queueId };
}

/** Reads `{"<field>":{{mq}:offset,...}}`; a missing field is an empty map. Throws BodyError. */
export function decodeMessageQueueMap(body: Buffer | string | undefined, fieldName: string): QueueOffsetEntry[] {
  const root = parseFastJsonTree(body, fieldName);
  if (!isObject(root)) throw new BodyError(`${fieldName}: the body is not an object`);
  const table = field(root, fieldName);
  if (table === undefined || table === null) return [];
  if (!isObject(table)) throw new BodyError(`${fieldName} is not an object`);
  return table.entries.map(([key, value]) => {
    const offset = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(offset)) throw new BodyError(`${fieldName}: an offset is not an integer`);
    return { queue: decodeQueueKey(key, fieldName), offset };
  });
}
