/**
 * record.ts: the only codec of a stored message record: a CommitLog record, an element of a pull
 * response body, and the body of VIEW_MESSAGE_BY_ID / QUERY_MESSAGE / CHECK_TRANSACTION_STATE.
 * RocketMQ's V1 layout (MessageDecoder.java, CommitLog.calMsgLength), all big-endian:
 *
 * | off      | bytes | field                                                        |
 * |----------|-------|--------------------------------------------------------------|
 * | 0        | 4     | TOTALSIZE: the whole record, this field included             |
 * | 4        | 4     | MAGICCODE: 0xDAA320A7 (V1); 0xCBD43194 marks a blank tail     |
 * | 8        | 4     | BODYCRC: CRC32 of the stored body & 0x7FFFFFFF               |
 * | 12       | 4     | QUEUEID                                                      |
 * | 16       | 4     | FLAG (user flag)                                             |
 * | 20       | 8     | QUEUEOFFSET: index in its ConsumeQueue                       |
 * | 28       | 8     | PHYSICALOFFSET: this record's CommitLog offset               |
 * | 36       | 4     | SYSFLAG (MessageSysFlag)                                     |
 * | 40       | 8     | BORNTIMESTAMP (ms)                                           |
 * | 48       | b     | BORNHOST: IPv4 + port (b = 8), IPv6 + port if SYSFLAG 0x10 (20)|
 * | 48+b     | 8     | STORETIMESTAMP (ms)                                          |
 * | 56+b     | s     | STOREHOST: 8, or 20 if SYSFLAG 0x20                           |
 * | 56+b+s   | 4     | RECONSUMETIMES                                               |
 * | 60+b+s   | 8     | PREPARED TRANSACTION OFFSET                                  |
 * | 68+b+s   | 4 + n | BODYLENGTH + BODY                                            |
 * | ..       | 1 + t | TOPICLENGTH (1 byte in V1) + TOPIC                           |
 * | ..       | 2 + p | PROPERTIESLENGTH (signed 16-bit) + PROPERTIES (UTF-8)        |
 *
 * With IPv4 hosts the fixed part is 91 bytes. Only V1 is written: RocketMQ 4.x clients read a
 * 1-byte topic length whatever the magic says, and topic names are at most 127 bytes anyway.
 * V2 records (2-byte topic length) written by a Java broker are still decoded.
 */
import { crc32 } from 'node:zlib';
import { MessageSysFlag } from './message-const.js';
import { IPV4_ADDRESS_BYTES, IPV6_ADDRESS_BYTES } from './socket-address.js';
import { readLong, writeInt, writeLong } from './long.js';

export const MESSAGE_MAGIC_CODE_V1 = -626843481; // 0xDAA320A7
export const MESSAGE_MAGIC_CODE_V2 = -626843477; // 0xDAA320AB
export const BLANK_MAGIC_CODE = -875286124; // 0xCBD43194

/** Bytes of a record with IPv4 hosts and an empty body, topic and properties. */
export const RECORD_FIXED_BYTES = 91;
/** The smallest blank tail a CommitLog segment can end with: TOTALSIZE + MAGICCODE. */
export const BLANK_RECORD_BYTES_MIN = 8;
export const TOPIC_BYTES_MAX = 127;
export const PROPERTIES_LENGTH_MAX = 32767;

/** Offsets of the fields before BORNHOST, which do not depend on the host lengths. */
export const RecordOffset = {
  TOTAL_SIZE: 0,
  MAGIC_CODE: 4,
  BODY_CRC: 8,
  QUEUE_ID: 12,
  FLAG: 16,
  QUEUE_OFFSET: 20,
  PHYSICAL_OFFSET: 28,
  SYS_FLAG: 36,
  BORN_TIMESTAMP: 40,
  BORN_HOST: 48,
} as const;

/** A stored message, decoded (RocketMQ's MessageExt). `body` is the stored, maybe compressed, bytes. */
export interface MessageRecord {
  readonly size: number;
  readonly bodyCrc: number;
  readonly queueId: number;
  readonly flag: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: Buffer;
  readonly storeTimestamp: number;
  readonly storeHost: Buffer;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly body: Buffer;
  readonly topic: string;
  readonly properties: string;
}

/** What encodeRecord needs: everything in MessageRecord but the size and CRC, which it computes. */
export type RecordInput = Omit<MessageRecord, 'size' | 'bodyCrc'>;

/** Byte lengths measured once and reused when encoding. */
export interface RecordMeasure {
  readonly size: number;
  readonly topicBytes: number;
  readonly propertiesBytes: number;
}

export class RecordError extends Error {
  override name = 'RecordError';
}

function hostBytes(sysFlag: number, v6Flag: number): number {
  return (sysFlag & v6Flag) === 0 ? IPV4_ADDRESS_BYTES : IPV6_ADDRESS_BYTES;
}

/** Measures a record; throws RecordError when the topic or properties are too long to store. */
export function measureRecord(input: Pick<RecordInput, 'sysFlag' | 'body' | 'topic' | 'properties'>): RecordMeasure {
  const topicBytes = Buffer.byteLength(input.topic);
  if (topicBytes > TOPIC_BYTES_MAX) throw new RecordError(`topic is ${topicBytes} bytes, over ${TOPIC_BYTES_MAX}`);
  const propertiesBytes = Buffer.byteLength(input.properties);
  if (propertiesBytes > PROPERTIES_LENGTH_MAX) {
    throw new RecordError(`properties are ${propertiesBytes} bytes, over ${PROPERTIES_LENGTH_MAX}`);
  }
  return { size: recordSize(input.sysFlag, input.body.length, topicBytes, propertiesBytes), topicBytes, propertiesBytes };
}

/** The size of a record from its parts' byte lengths (no limits checked). */
export function recordSize(sysFlag: number, bodyBytes: number, topicBytes: number, propertiesBytes: number): number {
  const hosts = hostBytes(sysFlag, MessageSysFlag.BORNHOST_V6_FLAG) + hostBytes(sysFlag, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  return RECORD_FIXED_BYTES - 2 * IPV4_ADDRESS_BYTES + hosts + bodyBytes + topicBytes + propertiesBytes;
}

/** The BODYCRC of a stored body. */
export function bodyCrc(body: Buffer): number {
  return crc32(body) & 0x7fffffff;
}

function checkHost(name: string, host: Buffer, sysFlag: number, v6Flag: number): void {
  if (host.length !== hostBytes(sysFlag, v6Flag)) {
    throw new RecordError(`${name} is ${host.length} bytes but sysFlag says ${hostBytes(sysFlag, v6Flag)}`);
  }
}

/*
 * The encoder runs once per stored message, so it writes fields with writeInt/writeLong (plain
 * byte stores, long.ts) instead of Buffer.write*(), which check their arguments on every call
 * (the target's room is checked once, up front). An ASCII string (byte length equal to string length) is copied as latin1, and a
 * short one (a topic) char by char, cheaper than a native call.
 */
const SHORT_STRING_MAX = 32;

function putSmall(target: Buffer, bytes: Buffer, at: number): number {
  for (let index = 0; index < bytes.length; index++) target[at + index] = bytes[index] as number;
  return at + bytes.length;
}

function putString(target: Buffer, text: string, byteLength: number, at: number): number {
  if (byteLength !== text.length) target.write(text, at, byteLength, 'utf8');
  else if (byteLength > SHORT_STRING_MAX) target.write(text, at, byteLength, 'latin1');
  else for (let index = 0; index < byteLength; index++) target[at + index] = text.charCodeAt(index);
  return at + byteLength;
}

/** Writes a V1 record at `at` and returns its size. `measure` must come from measureRecord(input). */
export function encodeRecord(input: RecordInput, measure: RecordMeasure, target: Buffer, at: number): number {
  checkHost('bornHost', input.bornHost, input.sysFlag, MessageSysFlag.BORNHOST_V6_FLAG);
  checkHost('storeHost', input.storeHost, input.sysFlag, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (at < 0 || at + measure.size > target.length) throw new RangeError('record does not fit the target buffer');
  if (measure.topicBytes > TOPIC_BYTES_MAX || measure.propertiesBytes > PROPERTIES_LENGTH_MAX) {
    throw new RecordError(`topic of ${measure.topicBytes} or properties of ${measure.propertiesBytes} bytes are too long`);
  }
  let pos = writeInt(target, measure.size, at);
  pos = writeInt(target, MESSAGE_MAGIC_CODE_V1, pos);
  pos = writeInt(target, bodyCrc(input.body), pos);
  pos = writeInt(target, input.queueId, pos);
  pos = writeInt(target, input.flag, pos);
  pos = writeLong(target, input.queueOffset, pos);
  pos = writeLong(target, input.commitLogOffset, pos);
  pos = writeInt(target, input.sysFlag, pos);
  pos = writeLong(target, input.bornTimestamp, pos);
  pos = putSmall(target, input.bornHost, pos);
  pos = writeLong(target, input.storeTimestamp, pos);
  pos = putSmall(target, input.storeHost, pos);
  pos = writeInt(target, input.reconsumeTimes, pos);
  pos = writeLong(target, input.preparedTransactionOffset, pos);
  pos = writeInt(target, input.body.length, pos);
  target.set(input.body, pos);
  pos += input.body.length;
  target[pos++] = measure.topicBytes;
  pos = putString(target, input.topic, measure.topicBytes, pos);
  target[pos++] = measure.propertiesBytes >>> 8;
  target[pos++] = measure.propertiesBytes;
  pos = putString(target, input.properties, measure.propertiesBytes, pos);
  if (pos - at !== measure.size) throw new RecordError(`wrote ${pos - at} bytes, measured ${measure.size}`);
  return measure.size;
}

/** Writes a blank record that fills `size` bytes (the end of a CommitLog segment). */
export function encodeBlankRecord(size: number, target: Buffer, at: number): void {
  if (size < BLANK_RECORD_BYTES_MIN) throw new RecordError(`blank record of ${size} bytes`);
  target.writeInt32BE(size, at);
  target.writeInt32BE(BLANK_MAGIC_CODE, at + 4);
}

export type RecordDecodeResult =
  | { readonly kind: 'MESSAGE'; readonly message: MessageRecord }
  | { readonly kind: 'BLANK'; readonly size: number }
  | { readonly kind: 'TRUNCATED' }
  | { readonly kind: 'CORRUPT'; readonly reason: string };

const TRUNCATED = { kind: 'TRUNCATED' } as const;

/**
 * Decodes the record at `at`. Never throws on bad bytes: a record that ends past the buffer is
 * TRUNCATED, one that is inconsistent (magic, lengths, CRC when `checkCrc`) is CORRUPT.
 * `body` is a view into `buffer`, not a copy.
 */
export function decodeRecord(buffer: Buffer, at: number, checkCrc = false): RecordDecodeResult {
  if (at + 8 > buffer.length) return TRUNCATED;
  const size = buffer.readInt32BE(at);
  const magic = buffer.readInt32BE(at + RecordOffset.MAGIC_CODE);
  if (magic === BLANK_MAGIC_CODE) {
    return size >= BLANK_RECORD_BYTES_MIN ? { kind: 'BLANK', size } : { kind: 'CORRUPT', reason: `blank size ${size}` };
  }
  if (magic !== MESSAGE_MAGIC_CODE_V1 && magic !== MESSAGE_MAGIC_CODE_V2) {
    return { kind: 'CORRUPT', reason: `magic code ${magic}` };
  }
  if (size < RECORD_FIXED_BYTES) return { kind: 'CORRUPT', reason: `record size ${size}` };
  if (at + size > buffer.length) return TRUNCATED;
  try {
    return decodeFields(buffer, at, size, magic, checkCrc);
  } catch (error) {
    if (error instanceof RangeError || error instanceof RecordError) {
      return { kind: 'CORRUPT', reason: error.message };
    }
    throw error;
  }
}

/*
 * Decoding a pull's records: consecutive records nearly always share their topic and store host,
 * and often their born host. The last of each is kept (a copy of its bytes, and the string or the
 * host bytes made from them), so a record that repeats it gets the same string or Buffer without a
 * native call or a view of its own. Host Buffers handed out are shared: nothing may write into them.
 */
let lastTopicBytes = Buffer.alloc(0);
let lastTopic = '';
const lastHosts: Buffer[] = [Buffer.alloc(0), Buffer.alloc(0)];
const BORN_HOST_SLOT = 0;
const STORE_HOST_SLOT = 1;

function sameAt(known: Buffer, buffer: Buffer, from: number, length: number): boolean {
  if (known.length !== length) return false;
  for (let index = 0; index < length; index++) if (known[index] !== buffer[from + index]) return false;
  return true;
}

/** The topic at buffer[from, from + length), the previous record's string when the bytes are the same. */
function topicAt(buffer: Buffer, from: number, length: number): string {
  if (sameAt(lastTopicBytes, buffer, from, length)) return lastTopic;
  lastTopic = buffer.toString('utf8', from, from + length);
  lastTopicBytes = Buffer.from(buffer.subarray(from, from + length));
  return lastTopic;
}

/** The host bytes at buffer[from, from + length), shared with the previous record of the slot when equal. */
function hostAt(buffer: Buffer, from: number, length: number, slot: number): Buffer {
  const known = lastHosts[slot] as Buffer;
  if (sameAt(known, buffer, from, length)) return known;
  const host = Buffer.from(buffer.subarray(from, from + length));
  lastHosts[slot] = host;
  return host;
}

function decodeFields(buffer: Buffer, at: number, size: number, magic: number, checkCrc: boolean): RecordDecodeResult {
  const end = at + size;
  const sysFlag = buffer.readInt32BE(at + RecordOffset.SYS_FLAG);
  const bornHostBytes = hostBytes(sysFlag, MessageSysFlag.BORNHOST_V6_FLAG);
  const storeHostBytes = hostBytes(sysFlag, MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  let pos = at + RecordOffset.BORN_HOST;
  const bornHost = hostAt(buffer, pos, bornHostBytes, BORN_HOST_SLOT);
  pos += bornHostBytes;
  const storeTimestamp = readLong(buffer, pos);
  pos += 8;
  const storeHost = hostAt(buffer, pos, storeHostBytes, STORE_HOST_SLOT);
  pos += storeHostBytes;
  const reconsumeTimes = buffer.readInt32BE(pos);
  const preparedTransactionOffset = readLong(buffer, pos + 4);
  const bodyLength = buffer.readInt32BE(pos + 12);
  pos += 16;
  if (bodyLength < 0 || pos + bodyLength > end) return { kind: 'CORRUPT', reason: `body length ${bodyLength}` };
  const body = buffer.subarray(pos, (pos += bodyLength));
  const topicLength = magic === MESSAGE_MAGIC_CODE_V1 ? buffer.readUInt8(pos) : buffer.readInt16BE(pos);
  pos += magic === MESSAGE_MAGIC_CODE_V1 ? 1 : 2;
  // A V2 topic length is a signed short: a negative one would read backwards.
  if (topicLength < 0 || pos + topicLength > end) return { kind: 'CORRUPT', reason: `topic length ${topicLength}` };
  const topic = topicAt(buffer, pos, topicLength);
  pos += topicLength;
  const propertiesLength = buffer.readInt16BE(pos);
  pos += 2;
  if (propertiesLength < 0 || pos + propertiesLength !== end) {
    return { kind: 'CORRUPT', reason: `properties length ${propertiesLength} does not end the record` };
  }
  const properties = buffer.toString('utf8', pos, end);
  const crc = buffer.readInt32BE(at + RecordOffset.BODY_CRC);
  if (checkCrc && crc !== bodyCrc(body)) return { kind: 'CORRUPT', reason: 'body CRC mismatch' };
  const message: MessageRecord = {
    size,
    bodyCrc: crc,
    queueId: buffer.readInt32BE(at + RecordOffset.QUEUE_ID),
    flag: buffer.readInt32BE(at + RecordOffset.FLAG),
    queueOffset: readLong(buffer, at + RecordOffset.QUEUE_OFFSET),
    commitLogOffset: readLong(buffer, at + RecordOffset.PHYSICAL_OFFSET),
    sysFlag,
    bornTimestamp: readLong(buffer, at + RecordOffset.BORN_TIMESTAMP),
    bornHost,
    storeTimestamp,
    storeHost,
    reconsumeTimes,
    preparedTransactionOffset,
    body,
    topic,
    properties,
  };
  return { kind: 'MESSAGE', message };
}
