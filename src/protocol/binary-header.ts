/**
 * binary-header.ts: the only codec of the ROCKETMQ binary header (serialize type 1,
 * RocketMQSerializable.java), big-endian:
 *
 * | bytes | field                                                    |
 * |-------|----------------------------------------------------------|
 * | 2     | code (int16: Java casts, so codes above 32767 wrap)      |
 * | 1     | language (LanguageCode ordinal, language-code.ts)        |
 * | 2     | version (int16)                                          |
 * | 4     | opaque                                                   |
 * | 4     | flag                                                     |
 * | 4 + r | remarkLength + remark (UTF-8; 0 means no remark)         |
 * | 4 + e | extLength + e bytes of { keyLength int16, key, valueLength int32, value }* |
 *
 * Java reads a zero-length remark, key or value as null; a pair with a null key or value is
 * dropped. This header is on every request and response of a client that chooses it, so both
 * directions avoid a buffer per string: the encoder writes each header, after room for the frame's
 * length fields, straight into an arena and hands out a view of it; the decoder makes a string per
 * key and value, taking short ones that recur (keys, groups, topics, small numbers) from a small
 * cache of the bytes.
 */
import { FrameError } from './errors.js';
import { languageFromByte, languageToByte } from './language-code.js';
import { RemotingFlag, SerializeType, type ExtFields, type HeaderFieldSink, type RemotingCommand } from './command.js';

/** code + language + version + opaque + flag + remark length + extFields length. */
const FIXED_BYTES = 2 + 1 + 2 + 4 + 4 + 4 + 4;

function overrun(what: string): FrameError {
  return new FrameError(`binary header: ${what} overruns the header`);
}

function int16(bytes: Buffer, at: number): number {
  return (((bytes[at] as number) << 24) >> 16) | (bytes[at + 1] as number);
}

function int32(bytes: Buffer, at: number): number {
  return ((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
}

/**
 * Strings of at most SHORT_BYTES bytes that recur, by a hash of their bytes: CACHE_BUCKETS
 * buckets of two ways each, a miss replacing the way used least recently in its bucket. Bounded:
 * 2 x CACHE_BUCKETS entries of at most SHORT_BYTES bytes.
 */
const SHORT_BYTES = 24;
const CACHE_BUCKETS = 512;
const DIGIT_9 = 0x39;
const cachedBytes: (Buffer | undefined)[] = new Array<Buffer | undefined>(2 * CACHE_BUCKETS).fill(undefined);
const cachedText: string[] = new Array<string>(2 * CACHE_BUCKETS).fill('');
/** Per bucket: the way to replace next. */
const victims = new Uint8Array(CACHE_BUCKETS);

function sameBytes(known: Buffer | undefined, bytes: Buffer, from: number, length: number): boolean {
  if (known === undefined || known.length !== length) return false;
  for (let index = 0; index < length; index++) if (known[index] !== bytes[from + index]) return false;
  return true;
}

/** Every one-byte ASCII string: SEND_MESSAGE_V2's keys and most small numbers, without a hash. */
const ONE_BYTE: readonly string[] = Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code));

/** bytes[from, to) as UTF-8 text; a short run is looked up (and kept) in the cache. */
function text(bytes: Buffer, from: number, to: number): string {
  const length = to - from;
  if (length === 1 && (bytes[from] as number) < 0x80) return ONE_BYTE[bytes[from] as number] as string;
  // Long runs, and numbers past 4 digits (timestamps, offsets), rarely recur: not cached.
  if (length > SHORT_BYTES || (length > 4 && (bytes[from] as number) <= DIGIT_9)) return bytes.toString('utf8', from, to);
  let hash = length;
  for (let at = from; at < to; at++) hash = (Math.imul(hash, 31) + (bytes[at] as number)) | 0;
  hash = Math.imul(hash ^ (hash >>> 15), 0x2c1b3c6d);
  const bucket = (hash ^ (hash >>> 12)) & (CACHE_BUCKETS - 1);
  const first = 2 * bucket;
  if (sameBytes(cachedBytes[first], bytes, from, length)) {
    victims[bucket] = 1;
    return cachedText[first] as string;
  }
  if (sameBytes(cachedBytes[first + 1], bytes, from, length)) {
    victims[bucket] = 0;
    return cachedText[first + 1] as string;
  }
  const value = bytes.toString('utf8', from, to);
  const victim = victims[bucket] as number;
  const way = first + victim;
  victims[bucket] = 1 - victim;
  cachedBytes[way] = Buffer.from(bytes.subarray(from, to));
  cachedText[way] = value;
  return value;
}

/**
 * Receives a binary header read in place (readBinaryHeader): first its fixed fields, then each
 * extFields pair whose key and value are both non-empty (Java drops the others), as byte ranges
 * of the header's buffer. A reader that needs a few known fields (a send's answer) matches their
 * key bytes and skips the rest, without a string per key or an extFields object.
 */
export interface BinaryHeaderReader {
  head(code: number, language: string, version: number, opaque: number, flag: number, remark: string | undefined): void;
  field(bytes: Buffer, keyAt: number, keyLength: number, valueAt: number, valueLength: number): void;
}

/**
 * Reads the ROCKETMQ binary header bytes[start, end) (a frame's header, in place) into `reader`.
 * Throws FrameError when a length points past the header; the reader may have seen part of it.
 */
export function readBinaryHeader(bytes: Buffer, start: number, end: number, reader: BinaryHeaderReader): void {
  if (end < start + 2) throw overrun('code');
  const code = int16(bytes, start);
  if (end < start + 3) throw overrun('language');
  const language = languageFromByte((bytes[start + 2] as number) << 24 >> 24);
  if (end < start + 5) throw overrun('version');
  const version = int16(bytes, start + 3);
  if (end < start + 9) throw overrun('opaque');
  const opaque = int32(bytes, start + 5);
  if (end < start + 13) throw overrun('flag');
  const flag = int32(bytes, start + 9);
  if (end < start + 17) throw overrun('remark length');
  const remarkLength = int32(bytes, start + 13);
  let pos = start + 17;
  if (remarkLength < 0 || pos + remarkLength > end) throw overrun('remark');
  const remark = remarkLength === 0 ? undefined : bytes.toString('utf8', pos, pos + remarkLength);
  pos += remarkLength;
  if (pos + 4 > end) throw overrun('extFields length');
  const extLength = int32(bytes, pos);
  pos += 4;
  if (extLength < 0 || pos + extLength > end) throw overrun('extFields');
  if (pos + extLength !== end) throw new FrameError('binary header: bytes after extFields');
  reader.head(code, language, version, opaque, flag, remark);
  while (pos < end) {
    if (pos + 2 > end) throw overrun('extFields key length');
    const keyLength = int16(bytes, pos);
    pos += 2;
    if (keyLength < 0 || pos + keyLength > end) throw overrun('extFields key');
    const keyAt = pos;
    pos += keyLength;
    if (pos + 4 > end) throw overrun('extFields value length');
    const valueLength = int32(bytes, pos);
    pos += 4;
    if (valueLength < 0 || pos + valueLength > end) throw overrun('extFields value');
    if (keyLength > 0 && valueLength > 0) reader.field(bytes, keyAt, keyLength, pos, valueLength);
    pos += valueLength;
  }
}

/** The fixed fields of a header; the pairs are walked (their lengths checked) but not read: decodeBinaryRequestUnread's reader. Reused. */
class HeadReader implements BinaryHeaderReader {
  code = 0;
  language = '';
  version = 0;
  opaque = 0;
  flag = 0;
  remark: string | undefined;

  head(code: number, language: string, version: number, opaque: number, flag: number, remark: string | undefined): void {
    this.code = code;
    this.language = language;
    this.version = version;
    this.opaque = opaque;
    this.flag = flag;
    this.remark = remark;
  }

  field(_bytes: Buffer, _keyAt: number, _keyLength: number, _valueAt: number, _valueLength: number): void {}
}

const headReader = new HeadReader();

/** decodeBinaryHeader's reader: the whole command, a string per key and value. Reused (decoding is synchronous). */
class CommandReader extends HeadReader {
  extFields: ExtFields = {};

  override head(code: number, language: string, version: number, opaque: number, flag: number, remark: string | undefined): void {
    super.head(code, language, version, opaque, flag, remark);
    this.extFields = {};
  }

  override field(bytes: Buffer, keyAt: number, keyLength: number, valueAt: number, valueLength: number): void {
    this.extFields[text(bytes, keyAt, keyAt + keyLength)] = text(bytes, valueAt, valueAt + valueLength);
  }
}

const commandReader = new CommandReader();

/**
 * Decodes a ROCKETMQ binary header: bytes[start, end) (a frame's header, read in place). Throws
 * FrameError when a length points past the header.
 */
export function decodeBinaryHeader(bytes: Buffer, body: Buffer | undefined, start = 0, end = bytes.length): RemotingCommand {
  const reader = commandReader;
  readBinaryHeader(bytes, start, end, reader);
  // head() gave the reader a fresh extFields object for this header: it is handed on as is.
  const { code, language, version, opaque, flag, remark, extFields } = reader;
  return { code, language, version, opaque, flag, remark, extFields, body, serializeType: SerializeType.ROCKETMQ };
}

/**
 * A request whose extFields are decoded from its frame when first asked for. A class, so every
 * such request shares one hidden class (an object literal with a getter made a new one, in old
 * space, per request).
 */
class UnreadRequest implements RemotingCommand {
  readonly serializeType = SerializeType.ROCKETMQ;
  private decoded: ExtFields | undefined;

  constructor(
    readonly code: number,
    readonly language: string,
    readonly version: number,
    readonly opaque: number,
    readonly flag: number,
    readonly remark: string | undefined,
    readonly body: Buffer | undefined,
    readonly frame: Buffer,
    private readonly headerStart: number,
    private readonly headerEnd: number,
  ) {}

  get extFields(): ExtFields {
    this.decoded ??= decodeBinaryHeader(this.frame, undefined, this.headerStart, this.headerEnd).extFields;
    return this.decoded;
  }
}

/**
 * Decodes a request's ROCKETMQ binary header, frame[start, end), but leaves its extFields unread:
 * the command carries the frame (for a HeaderCodec.readBinary) and decodes its extFields when
 * they are first asked for. Every length is checked now, so a malformed header is the same
 * FrameError as decodeBinaryHeader's, at the same moment.
 */
export function decodeBinaryRequestUnread(frame: Buffer, body: Buffer | undefined, start: number, end: number): RemotingCommand {
  readBinaryHeader(frame, start, end, headReader);
  const { code, language, version, opaque, flag, remark } = headReader;
  return new UnreadRequest(code, language, version, opaque, flag, remark, body, frame, start, end);
}

/** The code of a request whose binary header is bytes[start, end); undefined for a response or a header too short to say. */
export function binaryRequestCode(bytes: Buffer, start: number, end: number): number | undefined {
  if (end < start + 13) return undefined;
  return (int32(bytes, start + 9) & RemotingFlag.RESPONSE) === 0 ? int16(bytes, start) : undefined;
}

/** bytes[from, to) as text, as decodeBinaryHeader reads keys and values (short recurring ones from its cache). */
export function binaryHeaderText(bytes: Buffer, from: number, to: number): string {
  return text(bytes, from, to);
}

/**
 * The encoder writes each header straight into an arena, after the headers before it, and hands
 * out a view of it (a frame's head): no copy and no buffer per header. A view stays valid while
 * it is referenced: the arena's used part is never written again, and a full arena is replaced,
 * not reused, so GC drops it once the socket has written and dropped its last head. A header that
 * does not fit in what is left starts again in a new arena, of at least twice its size; an arena
 * bigger than ARENA_BYTES (a huge remark) serves that one header only, so it does not stay in
 * memory behind the small heads that follow.
 */
const ARENA_BYTES = 64 * 1024;
const KEY_BYTES_MAX = 0x7fff;
let arena = Buffer.allocUnsafeSlow(ARENA_BYTES);
let arenaUsed = 0;
/** Where the header being written starts in the arena, and how far past that it needed room. */
let attemptStart = 0;
let roomNeeded = 0;
/** Thrown by ensure() when the header being written outgrows the arena; caught by headerView. */
class NoRoom extends Error {}
const NO_ROOM = new NoRoom('binary header: no room left in the arena');

function ensure(needed: number): void {
  if (needed <= arena.length) return;
  roomNeeded = needed - attemptStart;
  throw NO_ROOM;
}

function putInt16(at: number, value: number): number {
  const out = arena;
  out[at] = value >>> 8;
  out[at + 1] = value;
  return at + 2;
}

function putInt32(at: number, value: number): number {
  const out = arena;
  out[at] = value >>> 24;
  out[at + 1] = value >>> 16;
  out[at + 2] = value >>> 8;
  out[at + 3] = value;
  return at + 4;
}

/** Strings up to this many chars are copied char by char while ASCII (a send's properties among them): below a native call's cost. */
const COPIED_CHARS_MAX = 256;

/**
 * Writes `value` as UTF-8 after a length field of `lengthBytes` (2 or 4) at `at`; returns the
 * end. ASCII is copied char by char (cheaper than a native call for the short strings headers
 * hold); anything else by Buffer.write.
 */
function putText(at: number, value: string, lengthBytes: 2 | 4): number {
  const start = at + lengthBytes;
  ensure(start + value.length * 3);
  const out = arena;
  let length = 0;
  if (value.length <= COPIED_CHARS_MAX) {
    for (; length < value.length; length++) {
      const char = value.charCodeAt(length);
      if (char >= 0x80) break;
      out[start + length] = char;
    }
  }
  if (length < value.length) length = out.write(value, start, 'utf8');
  // Java writes a key's length as a short: a longer key could not be read back.
  if (lengthBytes === 2 && length > KEY_BYTES_MAX) throw new FrameError(`binary header: an extFields key of ${length} bytes is over ${KEY_BYTES_MAX}`);
  if (lengthBytes === 2) putInt16(at, length);
  else putInt32(at, length);
  return start + length;
}

/** Writes the header of `command` at `at` in the arena; returns its end. Codes and versions above 32767 wrap as in Java. */
function writeHeaderAt(command: RemotingCommand, at: number): number {
  ensure(at + FIXED_BYTES);
  let pos = putInt16(at, command.code);
  arena[pos++] = languageToByte(command.language);
  pos = putInt16(pos, command.version);
  pos = putInt32(pos, command.opaque);
  pos = putInt32(pos, command.flag);
  pos = command.remark === undefined || command.remark.length === 0 ? putInt32(pos, 0) : putText(pos, command.remark, 4);
  const extAt = pos;
  ensure(pos + 4);
  cursor = pos + 4;
  command.typedHeader?.write(binaryFields);
  const extFields = command.extFields;
  for (const name in extFields) {
    const value = extFields[name];
    if (value !== undefined) binaryFields.text(name, String(value));
  }
  pos = cursor;
  putInt32(extAt, pos - extAt - 4);
  return pos;
}

/**
 * The binary header of `command` after `room` bytes left for the caller (a frame's length
 * fields), as one view of the encoder's arena: valid for as long as it is referenced.
 */
export function binaryHeaderView(command: RemotingCommand, room: number): Buffer {
  for (;;) {
    const start = arenaUsed;
    attemptStart = start;
    try {
      const end = writeHeaderAt(command, start + room);
      arenaUsed = arena.length > ARENA_BYTES ? arena.length : end;
      return arena.subarray(start, end);
    } catch (error) {
      if (error !== NO_ROOM) throw error;
      arena = Buffer.allocUnsafeSlow(Math.max(ARENA_BYTES, 2 * roomNeeded));
      arenaUsed = 0;
    }
  }
}

/** Where binaryFields writes the next key (writeBinaryHeader's position while it writes extFields). */
let cursor = 0;

/** Writes key/value pairs at `cursor`; an integer's digits go straight into the arena. */
const binaryFields: HeaderFieldSink = {
  text(name: string, value: string): void {
    cursor = putText(cursor, name, 2);
    ensure(cursor + 4);
    cursor = putText(cursor, value, 4);
  },
  integer(name: string, value: number): void {
    cursor = putText(cursor, name, 2);
    cursor = Number.isSafeInteger(value) ? putDecimal(cursor, value) : putText(cursor, String(value), 4);
  },
};

/** Writes a safe integer as decimal text (as String() would) after a 4-byte length at `at`; returns the end. */
function putDecimal(at: number, value: number): number {
  const start = at + 4;
  // A sign and at most 16 digits below 2^53.
  ensure(start + 17);
  const out = arena;
  let rest = value < 0 ? -value : value;
  let digits = 1;
  for (let scale = 10; scale <= rest; scale *= 10) digits++;
  const length = (value < 0 ? 1 : 0) + digits;
  if (value < 0) out[start] = 0x2d;
  let pos = start + length;
  do {
    const next = Math.floor(rest / 10);
    out[--pos] = 0x30 + (rest - next * 10);
    rest = next;
  } while (rest > 0);
  putInt32(at, length);
  return start + length;
}

/** Encodes a ROCKETMQ binary header into a buffer of its own. */
export function encodeBinaryHeader(command: RemotingCommand): Buffer {
  return Buffer.from(binaryHeaderView(command, 0));
}
