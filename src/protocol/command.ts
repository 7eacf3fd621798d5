/**
 * command.ts: RemotingCommand, the unit every request and response travels in
 * (RemotingCommand.java), and the two header encodings it can use on the wire.
 *
 * JSON header (serialize type 0): {"code","extFields","flag","language","opaque","remark",
 * "serializeTypeCurrentRPC","version"}; Java writes the keys in this order and omits nulls.
 * ROCKETMQ binary header (serialize type 1): binary-header.ts. A response goes back in the
 * serialize type of its request, as Java's NettyRemotingAbstract does.
 *
 * extFields values are always strings here. Java writes strings, but ali-ons writes raw JSON
 * numbers and booleans, so decoding coerces each value with String(), as fastjson does.
 */
import { FrameError } from './errors.js';

export const SerializeType = { JSON: 0, ROCKETMQ: 1 } as const;
export type SerializeType = (typeof SerializeType)[keyof typeof SerializeType];

/** Bits of RemotingCommand.flag. */
export const RemotingFlag = { RESPONSE: 1, ONEWAY: 2 } as const;

/** The `version` our servers write in responses: RocketMQ V5_3_3's ordinal. */
export const SERVER_VERSION = 479;

export type ExtFields = Record<string, string>;

/** Receives a typed header's fields, in order: text as it is, integers to be written as decimal text. */
export interface HeaderFieldSink {
  text(name: string, value: string): void;
  integer(name: string, value: number): void;
}

/**
 * A header still typed (a HeaderCodec and its value): written straight into the wire header,
 * without an extFields object and a string per number. On the wire its fields come before the
 * command's extFields, which must not repeat them.
 */
export interface TypedHeader {
  write(sink: HeaderFieldSink): void;
}

export interface RemotingCommand {
  readonly code: number;
  readonly language: string;
  readonly version: number;
  readonly opaque: number;
  readonly flag: number;
  readonly remark?: string | undefined;
  readonly extFields: ExtFields;
  /** Outgoing only: fields written before extFields (a receiver finds them all in extFields). */
  readonly typedHeader?: TypedHeader | undefined;
  readonly body?: Buffer | undefined;
  /** The header encoding this command came in, or is to go out in; absent means JSON. */
  readonly serializeType?: SerializeType | undefined;
  /**
   * Incoming only: a request whose ROCKETMQ binary header was left unread (decodeFrame's
   * `readsInPlace`): its frame (the bytes after the length field), for HeaderCodec.readBinary.
   * Its extFields are decoded from the frame when first asked for.
   */
  readonly frame?: Buffer | undefined;
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
  request: Pick<RemotingCommand, 'opaque' | 'serializeType'>,
  code: number,
  options: { remark?: string | undefined; extFields?: ExtFields; typedHeader?: TypedHeader | undefined; body?: Buffer | undefined } = {},
): RemotingCommand {
  // One literal of one shape whatever the encoding (this runs once per request); a typed header
  // makes the second shape (a receiver's decoded command never has one).
  const serializeType = request.serializeType === SerializeType.ROCKETMQ ? SerializeType.ROCKETMQ : undefined;
  const { remark, typedHeader, body } = options;
  const extFields = options.extFields ?? {};
  const opaque = request.opaque;
  if (typedHeader === undefined) return { code, language: 'JAVA', version: SERVER_VERSION, opaque, flag: RemotingFlag.RESPONSE, remark, extFields, body, serializeType };
  return { code, language: 'JAVA', version: SERVER_VERSION, opaque, flag: RemotingFlag.RESPONSE, remark, extFields, typedHeader, body, serializeType };
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

/** Writes extFields members into JSON text; the first opens the "extFields" object. */
class JsonFields implements HeaderFieldSink {
  separator = ',"extFields":{';

  constructor(public json: string) {}

  text(name: string, value: string): void {
    this.json += `${this.separator}${jsonString(name)}:${jsonString(value)}`;
    this.separator = ',';
  }

  integer(name: string, value: number): void {
    this.text(name, String(value));
  }
}

/**
 * The JSON header of `command` as text, keys in Java's order. Written by hand for the fixed field
 * set (no JSON.stringify of objects, no key array): it is on every request and response.
 */
export function jsonHeaderText(command: RemotingCommand): string {
  const fields = new JsonFields(`{"code":${command.code}`);
  command.typedHeader?.write(fields);
  const extFields = command.extFields;
  for (const name in extFields) {
    const value = extFields[name];
    if (value === undefined) continue; // JSON.stringify drops undefined values too.
    fields.text(name, String(value));
  }
  let text = fields.json;
  if (fields.separator === ',') text += '}';
  text += `,"flag":${command.flag},"language":${jsonString(command.language)},"opaque":${command.opaque}`;
  if (command.remark !== undefined) text += `,"remark":${jsonString(command.remark)}`;
  text += `,"serializeTypeCurrentRPC":"JSON","version":${command.version}}`;
  return text;
}

/** Encodes the JSON header of `command`, keys in Java's order. */
export function encodeJsonHeader(command: RemotingCommand): Buffer {
  return Buffer.from(jsonHeaderText(command), 'utf8');
}
