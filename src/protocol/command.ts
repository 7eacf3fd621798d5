/**
 * command.ts: RemotingCommand, the unit every request and response travels in
 * (RemotingCommand.java), and the two header encodings it can use on the wire.
 *
 * JSON header (serialize type 0): {"code","extFields","flag","language","opaque","remark",
 * "serializeTypeCurrentRPC","version"}; Java writes the keys in this order and omits nulls.
 * ROCKETMQ binary header (serialize type 1, RocketMQSerializable.java), big-endian:
 * | code int16 | language int8 | version int16 | opaque int32 | flag int32 |
 * | remarkLength int32 | remark | extLength int32 | { keyLength int16 | key | valueLength int32 | value }* |
 *
 * extFields values are always strings here. Java writes strings, but ali-ons writes raw JSON
 * numbers and booleans, so decoding coerces each value with String(), as fastjson does.
 */
import { FrameError } from './errors.js';
import { languageFromByte, languageToByte } from './language-code.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Bits of RemotingCommand.flag. */
export const RemotingFlag = { RESPONSE: 1, ONEWAY: 2 } as const;

/** The `version` our servers write in responses: RocketMQ V5_3_3's ordinal. */
export const SERVER_VERSION = 479;

export type ExtFields = Record<string, string>;

export interface RemotingCommand {
  readonly code: number;
  readonly language: string;
  readonly version: number;
  readonly opaque: number;
  readonly flag: number;
  readonly remark?: string | undefined;
  readonly extFields: ExtFields;
  readonly body?: Buffer | undefined;
}

export function isResponse(command: RemotingCommand): boolean {
  return (command.flag & RemotingFlag.RESPONSE) !== 0;
}

export function isOneway(command: RemotingCommand): boolean {
  return (command.flag & RemotingFlag.ONEWAY) !== 0;
}

/** A request command; `opaque` must be unique among the sender's waiting requests. */
export function createRequestCommand(
  code: number,
  options: {
    opaque: number;
    flag?: number;
    language?: string;
    version?: number;
    extFields?: ExtFields;
    body?: Buffer | undefined;
    remark?: string | undefined;
  },
): RemotingCommand {
  return {
    code,
    language: options.language ?? 'JAVA',
    version: options.version ?? SERVER_VERSION,
    opaque: options.opaque,
    flag: options.flag ?? 0,
    remark: options.remark,
    extFields: options.extFields ?? {},
    body: options.body,
  };
}

/** A response to `request`: echoes its opaque and sets the RESPONSE flag. */
export function createResponse(
  request: Pick<RemotingCommand, 'opaque'>,
  code: number,
  options: { remark?: string | undefined; extFields?: ExtFields; body?: Buffer | undefined } = {},
): RemotingCommand {
  return {
    code,
    language: 'JAVA',
    version: SERVER_VERSION,
    opaque: request.opaque,
    flag: RemotingFlag.RESPONSE,
    remark: options.remark,
    extFields: options.extFields ?? {},
    body: options.body,
  };
}

function coerceExtFields(raw: unknown): ExtFields {
  if (raw === null || raw === undefined) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new FrameError('header extFields is not an object');
  // Java and our clients write only strings: then the parsed object is the answer as it is (it is
  // JSON.parse's own, so nobody else holds it). Anything else is coerced into a copy.
  const fields = raw as Record<string, unknown>;
  let allStrings = true;
  for (const name in fields) {
    if (typeof fields[name] !== 'string') {
      allStrings = false;
      break;
    }
  }
  if (allStrings) return fields as ExtFields;
  const extFields: ExtFields = {};
  for (const name in fields) {
    const value = fields[name];
    if (value === null || value === undefined) continue;
    extFields[name] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return extFields;
}

function headerInt(header: Record<string, unknown>, name: string, required: boolean): number {
  const value = header[name];
  if (value === undefined || value === null) {
    if (required) throw new FrameError(`header has no ${name}`);
    return 0;
  }
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  // Every header number is a Java int: fastjson refuses anything else, and so do we.
  if (typeof number !== 'number' || !Number.isInteger(number) || number < -(2 ** 31) || number > 2 ** 31 - 1) {
    throw new FrameError(`header ${name} is not an int32: ${JSON.stringify(value)}`);
  }
  return number;
}

/** Decodes a JSON header (serialize type 0). Throws FrameError: the connection cannot go on. */
export function decodeJsonHeader(bytes: Buffer, body: Buffer | undefined): RemotingCommand {
  let header: unknown;
  try {
    header = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new FrameError(`header is not JSON: ${(error as Error).message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new FrameError('header is not a JSON object');
  }
  const fields = header as Record<string, unknown>;
  const remark = fields['remark'];
  return {
    code: headerInt(fields, 'code', true),
    language: typeof fields['language'] === 'string' ? fields['language'] : 'OTHER',
    version: headerInt(fields, 'version', false),
    opaque: headerInt(fields, 'opaque', true),
    flag: headerInt(fields, 'flag', false),
    remark: remark === null || remark === undefined ? undefined : String(remark),
    extFields: coerceExtFields(fields['extFields']),
    body,
  };
}

/** Characters JSON.stringify would escape (and lone surrogates): such strings take the slow path. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `text` as a JSON string literal: quoted as is when nothing needs escaping, else JSON.stringify. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/**
 * The JSON header of `command` as text, keys in Java's order. Written by hand for the fixed field
 * set (no JSON.stringify of objects, no key array): it is on every request and response.
 */
export function jsonHeaderText(command: RemotingCommand): string {
  let text = `{"code":${command.code}`;
  let separator = ',"extFields":{';
  const extFields = command.extFields;
  for (const name in extFields) {
    const value = extFields[name];
    if (value === undefined) continue; // JSON.stringify drops undefined values too.
    text += `${separator}${jsonString(name)}:${jsonString(String(value))}`;
    separator = ',';
  }
  if (separator === ',') text += '}';
  text += `,"flag":${command.flag},"language":${jsonString(command.language)},"opaque":${command.opaque}`;
  if (command.remark !== undefined) text += `,"remark":${jsonString(command.remark)}`;
  text += `,"serializeTypeCurrentRPC":"JSON","version":${command.version}}`;
  return text;
}

/** Encodes the JSON header of `command`, keys in Java's order. */
export function encodeJsonHeader(command: RemotingCommand): Buffer {
  return Buffer.from(jsonHeaderText(command), 'utf8');
}

class BinaryReader {
  private pos = 0;
  constructor(private readonly bytes: Buffer) {}

  private need(count: number, what: string): void {
    if (count < 0 || this.pos + count > this.bytes.length) throw new FrameError(`binary header: ${what} overruns the header`);
  }
  int8(what: string): number {
    this.need(1, what);
    return this.bytes.readInt8((this.pos += 1) - 1);
  }
  int16(what: string): number {
    this.need(2, what);
    return this.bytes.readInt16BE((this.pos += 2) - 2);
  }
  int32(what: string): number {
    this.need(4, what);
    return this.bytes.readInt32BE((this.pos += 4) - 4);
  }
  text(length: number, what: string): string {
    this.need(length, what);
    return this.bytes.toString('utf8', this.pos, (this.pos += length));
  }
  /** A reader over the next `length` bytes, which this reader then skips. */
  take(length: number, what: string): BinaryReader {
    this.need(length, what);
    return new BinaryReader(this.bytes.subarray(this.pos, (this.pos += length)));
  }
  get done(): boolean {
    return this.pos === this.bytes.length;
  }
}

/** Decodes a ROCKETMQ binary header (serialize type 1). Throws FrameError. */
export function decodeBinaryHeader(bytes: Buffer, body: Buffer | undefined): RemotingCommand {
  const reader = new BinaryReader(bytes);
  const code = reader.int16('code');
  const language = languageFromByte(reader.int8('language'));
  const version = reader.int16('version');
  const opaque = reader.int32('opaque');
  const flag = reader.int32('flag');
  const remarkLength = reader.int32('remark length');
  // Java reads a zero-length string as null.
  const remark = remarkLength === 0 ? undefined : reader.text(remarkLength, 'remark');
  const ext = reader.take(reader.int32('extFields length'), 'extFields');
  if (!reader.done) throw new FrameError('binary header: bytes after extFields');
  const extFields: ExtFields = {};
  while (!ext.done) {
    const name = ext.text(ext.int16('extFields key length'), 'extFields key');
    const valueLength = ext.int32('extFields value length');
    const value = valueLength === 0 ? undefined : ext.text(valueLength, 'extFields value');
    if (name.length > 0 && value !== undefined) extFields[name] = value;
  }
  return { code, language, version, opaque, flag, remark, extFields, body };
}

/** Encodes a ROCKETMQ binary header. Codes and versions above 32767 do not fit, as in Java. */
export function encodeBinaryHeader(command: RemotingCommand): Buffer {
  const remark = command.remark === undefined || command.remark.length === 0 ? undefined : Buffer.from(command.remark);
  const pairs = Object.entries(command.extFields).map(([name, value]) => [Buffer.from(name), Buffer.from(value)] as const);
  const extLength = pairs.reduce((sum, [name, value]) => sum + 2 + name.length + 4 + value.length, 0);
  const out = Buffer.alloc(2 + 1 + 2 + 4 + 4 + 4 + (remark?.length ?? 0) + 4 + extLength);
  let pos = out.writeInt16BE(command.code << 16 >> 16, 0);
  pos = out.writeInt8(languageToByte(command.language), pos);
  pos = out.writeInt16BE(command.version << 16 >> 16, pos);
  pos = out.writeInt32BE(command.opaque, pos);
  pos = out.writeInt32BE(command.flag, pos);
  pos = out.writeInt32BE(remark?.length ?? 0, pos);
  if (remark) pos += remark.copy(out, pos);
  pos = out.writeInt32BE(extLength, pos);
  for (const [name, value] of pairs) {
    pos = out.writeInt16BE(name.length, pos);
    pos += name.copy(out, pos);
    pos = out.writeInt32BE(value.length, pos);
    pos += value.copy(out, pos);
  }
  return out;
}
