// RequestCode.SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320).
// SEND_MESSAGE uses the long names; SEND_MESSAGE_V2 carries the same fields under one-letter names.
import { binaryHeaderText, readBinaryHeader, type BinaryHeaderReader } from '../binary-header.js';
import type { ExtFields, HeaderFieldSink, TypedHeader } from '../command.js';
import { binaryHeaderEnd, FRAME_HEADER_AT } from '../frame.js';
import { bool, header, int, long, readField, str, type HeaderCodec, type Infer } from './define.js';

const fields = {
  producerGroup: str(),
  topic: str(),
  defaultTopic: str(),
  defaultTopicQueueNums: int(),
  queueId: int(),
  sysFlag: int(),
  bornTimestamp: long(),
  flag: int(),
  properties: str.optional(),
  reconsumeTimes: int.optional(),
  unitMode: bool.optional(),
  maxReconsumeTimes: int.optional(),
  batch: bool.optional(),
  brokerName: str.optional(),
};

export const SendMessageRequestHeader = header(fields);
export type SendMessageRequestHeader = Infer<typeof SendMessageRequestHeader>;

const v2Codec = header(fields, {
  producerGroup: 'a',
  topic: 'b',
  defaultTopic: 'c',
  defaultTopicQueueNums: 'd',
  queueId: 'e',
  sysFlag: 'f',
  bornTimestamp: 'g',
  flag: 'h',
  properties: 'i',
  reconsumeTimes: 'j',
  unitMode: 'k',
  maxReconsumeTimes: 'l',
  batch: 'm',
  brokerName: 'n',
});

/**
 * SEND_MESSAGE_V2's fields written one by one, as RocketMQ 5's FastCodesHeader does for this
 * header: it is on every send, and the generic plan walk costs several times more. Same names,
 * order and text as v2Codec.encode() (send-message.test.ts compares the bytes).
 */
class SendMessageV2Fields implements TypedHeader {
  constructor(
    private readonly value: SendMessageV2Base,
    private readonly queueId: number,
    private readonly bornTimestamp: number,
    private readonly brokerName: string | undefined,
  ) {}

  write(sink: HeaderFieldSink): void {
    const value = this.value;
    if (value.producerGroup !== undefined) sink.text('a', value.producerGroup);
    if (value.topic !== undefined) sink.text('b', value.topic);
    if (value.defaultTopic !== undefined) sink.text('c', value.defaultTopic);
    if (value.defaultTopicQueueNums !== undefined) sink.integer('d', value.defaultTopicQueueNums);
    if (this.queueId !== undefined) sink.integer('e', this.queueId);
    if (value.sysFlag !== undefined) sink.integer('f', value.sysFlag);
    if (this.bornTimestamp !== undefined) sink.integer('g', this.bornTimestamp);
    if (value.flag !== undefined) sink.integer('h', value.flag);
    if (value.properties !== undefined) sink.text('i', value.properties);
    if (value.reconsumeTimes !== undefined) sink.integer('j', value.reconsumeTimes);
    if (value.unitMode !== undefined) sink.text('k', value.unitMode ? 'true' : 'false');
    if (value.maxReconsumeTimes !== undefined) sink.integer('l', value.maxReconsumeTimes);
    if (value.batch !== undefined) sink.text('m', value.batch ? 'true' : 'false');
    if (this.brokerName !== undefined) sink.text('n', this.brokerName);
  }
}

/** What a send keeps across its attempts: the header without the queue, born time and broker. */
export type SendMessageV2Base = Omit<SendMessageRequestHeader, 'queueId' | 'bornTimestamp' | 'brokerName'>;

/** One attempt's SEND_MESSAGE_V2 header as a TypedHeader: `base` with this attempt's queue, born time and broker (no merged object). */
export function sendMessageV2Attempt(base: SendMessageV2Base, queueId: number, bornTimestamp: number, brokerName: string | undefined): TypedHeader {
  return new SendMessageV2Fields(base, queueId, bornTimestamp, brokerName);
}

/** SEND_MESSAGE_V2's decode with the field names written out (FastCodesHeader.decode): what v2Codec.decode returns, errors included. */
function decodeV2(extFields: Readonly<ExtFields>): SendMessageRequestHeader {
  type Mutable = { -readonly [K in keyof SendMessageRequestHeader]: SendMessageRequestHeader[K] };
  const value: Mutable = {
    producerGroup: readField(extFields, 'producerGroup', 'a', fields.producerGroup) as string,
    topic: readField(extFields, 'topic', 'b', fields.topic) as string,
    defaultTopic: readField(extFields, 'defaultTopic', 'c', fields.defaultTopic) as string,
    defaultTopicQueueNums: readField(extFields, 'defaultTopicQueueNums', 'd', fields.defaultTopicQueueNums) as number,
    queueId: readField(extFields, 'queueId', 'e', fields.queueId) as number,
    sysFlag: readField(extFields, 'sysFlag', 'f', fields.sysFlag) as number,
    bornTimestamp: readField(extFields, 'bornTimestamp', 'g', fields.bornTimestamp) as number,
    flag: readField(extFields, 'flag', 'h', fields.flag) as number,
  };
  const properties = readField(extFields, 'properties', 'i', fields.properties);
  if (properties !== undefined) value.properties = properties;
  const reconsumeTimes = readField(extFields, 'reconsumeTimes', 'j', fields.reconsumeTimes);
  if (reconsumeTimes !== undefined) value.reconsumeTimes = reconsumeTimes;
  const unitMode = readField(extFields, 'unitMode', 'k', fields.unitMode);
  if (unitMode !== undefined) value.unitMode = unitMode;
  const maxReconsumeTimes = readField(extFields, 'maxReconsumeTimes', 'l', fields.maxReconsumeTimes);
  if (maxReconsumeTimes !== undefined) value.maxReconsumeTimes = maxReconsumeTimes;
  const batch = readField(extFields, 'batch', 'm', fields.batch);
  if (batch !== undefined) value.batch = batch;
  const brokerName = readField(extFields, 'brokerName', 'n', fields.brokerName);
  if (brokerName !== undefined) value.brokerName = brokerName;
  return value;
}

/** Plain decimal digits (an optional '-', at most 15 digits) as a number; undefined for anything else. */
function plainDigits(bytes: Buffer, at: number, length: number): number | undefined {
  const negative = bytes[at] === 0x2d;
  const first = negative ? 1 : 0;
  if (length === first || length - first > 15) return undefined;
  let value = 0;
  for (let index = first; index < length; index++) {
    const digit = (bytes[at + index] as number) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** SEND_MESSAGE_V2's one-letter keys 'a' to 'n', as slots 0 to 13. */
const V2_KEYS = 14;
const KEY_A = 0x61;
/** Slots of the V2 keys ('a' + slot), in the order of `fields`. */
const GROUP = 0;
const TOPIC = 1;
const DEFAULT_TOPIC = 2;
const DEFAULT_QUEUES = 3;
const QUEUE = 4;
const SYS_FLAG = 5;
const BORN = 6;
const FLAG = 7;
const PROPERTIES = 8;
const RECONSUMES = 9;
const UNIT_MODE = 10;
const MAX_RECONSUMES = 11;
const BATCH = 12;
const BROKER = 13;
const REQUIRED_SLOTS: readonly number[] = [GROUP, TOPIC, DEFAULT_TOPIC, DEFAULT_QUEUES, QUEUE, SYS_FLAG, BORN, FLAG];

/**
 * Where each of SEND_MESSAGE_V2's keys has its value in a binary header (the last one of a
 * repeated key, as the generic decode keeps); other keys are skipped. Reused: reading is synchronous.
 */
class SendRequestReader implements BinaryHeaderReader {
  bytes: Buffer = Buffer.alloc(0);
  readonly valueAt = new Int32Array(V2_KEYS);
  readonly valueLength = new Int32Array(V2_KEYS);

  head(): void {
    this.valueAt.fill(-1);
  }

  field(bytes: Buffer, keyAt: number, keyLength: number, valueAt: number, valueLength: number): void {
    if (keyLength !== 1) return;
    const slot = (bytes[keyAt] as number) - KEY_A;
    if (slot < 0 || slot >= V2_KEYS) return;
    this.valueAt[slot] = valueAt;
    this.valueLength[slot] = valueLength;
  }

  has(slot: number): boolean {
    return (this.valueAt[slot] as number) >= 0;
  }

  text(slot: number): string {
    const at = this.valueAt[slot] as number;
    return binaryHeaderText(this.bytes, at, at + (this.valueLength[slot] as number));
  }

  /** The slot's plain digits as a number within [min, max]; undefined for anything else. */
  integer(slot: number, min: number, max: number): number | undefined {
    const value = plainDigits(this.bytes, this.valueAt[slot] as number, this.valueLength[slot] as number);
    return value !== undefined && value >= min && value <= max ? value : undefined;
  }

  /** The slot's "true" or "false" exactly; undefined for anything else. */
  bool(slot: number): boolean | undefined {
    const bytes = this.bytes;
    const at = this.valueAt[slot] as number;
    const length = this.valueLength[slot] as number;
    if (length === 4 && bytes[at] === 0x74 && bytes[at + 1] === 0x72 && bytes[at + 2] === 0x75 && bytes[at + 3] === 0x65) return true;
    if (length === 5 && bytes[at] === 0x66 && bytes[at + 1] === 0x61 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x73 && bytes[at + 4] === 0x65) return false;
    return undefined;
  }
}

const sendRequestReader = new SendRequestReader();

/**
 * SEND_MESSAGE_V2's header read in place from a request frame (the bytes after the length field)
 * whose header is ROCKETMQ binary: what decodeV2 returns for its extFields, in the same shape,
 * without an extFields object or a string per key or number. Undefined whenever the generic decode
 * must decide (a JSON or malformed header, a required field missing, a number that is not plain
 * digits in range, a boolean that is not "true" or "false"), so errors stay the generic decode's.
 */
export function readSendMessageV2Request(frame: Buffer): SendMessageRequestHeader | undefined {
  const end = binaryHeaderEnd(frame);
  if (end === undefined) return undefined;
  const reader = sendRequestReader;
  reader.bytes = frame;
  try {
    readBinaryHeader(frame, FRAME_HEADER_AT, end, reader);
  } catch {
    return undefined;
  }
  for (const slot of REQUIRED_SLOTS) if (!reader.has(slot)) return undefined;
  const defaultTopicQueueNums = reader.integer(DEFAULT_QUEUES, INT_MIN, INT_MAX);
  const queueId = reader.integer(QUEUE, INT_MIN, INT_MAX);
  const sysFlag = reader.integer(SYS_FLAG, INT_MIN, INT_MAX);
  const bornTimestamp = reader.integer(BORN, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const flag = reader.integer(FLAG, INT_MIN, INT_MAX);
  if (defaultTopicQueueNums === undefined || queueId === undefined || sysFlag === undefined || bornTimestamp === undefined || flag === undefined) return undefined;
  type Mutable = { -readonly [K in keyof SendMessageRequestHeader]: SendMessageRequestHeader[K] };
  const value: Mutable = {
    producerGroup: reader.text(GROUP),
    topic: reader.text(TOPIC),
    defaultTopic: reader.text(DEFAULT_TOPIC),
    defaultTopicQueueNums,
    queueId,
    sysFlag,
    bornTimestamp,
    flag,
  };
  if (reader.has(PROPERTIES)) value.properties = reader.text(PROPERTIES);
  if (reader.has(RECONSUMES)) {
    const reconsumeTimes = reader.integer(RECONSUMES, INT_MIN, INT_MAX);
    if (reconsumeTimes === undefined) return undefined;
    value.reconsumeTimes = reconsumeTimes;
  }
  if (reader.has(UNIT_MODE)) {
    const unitMode = reader.bool(UNIT_MODE);
    if (unitMode === undefined) return undefined;
    value.unitMode = unitMode;
  }
  if (reader.has(MAX_RECONSUMES)) {
    const maxReconsumeTimes = reader.integer(MAX_RECONSUMES, INT_MIN, INT_MAX);
    if (maxReconsumeTimes === undefined) return undefined;
    value.maxReconsumeTimes = maxReconsumeTimes;
  }
  if (reader.has(BATCH)) {
    const batch = reader.bool(BATCH);
    if (batch === undefined) return undefined;
    value.batch = batch;
  }
  if (reader.has(BROKER)) value.brokerName = reader.text(BROKER);
  return value;
}

export const SendMessageRequestHeaderV2: HeaderCodec<typeof fields> = {
  ...v2Codec,
  decode: decodeV2,
  typed: (value) => new SendMessageV2Fields(value, value.queueId, value.bornTimestamp, value.brokerName),
  readBinary: readSendMessageV2Request,
};

export const SendMessageResponseHeader = header({
  msgId: str(),
  queueId: int(),
  queueOffset: long(),
  transactionId: str.optional(),
  batchUniqId: str.optional(),
  recallHandle: str.optional(),
});
export type SendMessageResponseHeader = Infer<typeof SendMessageResponseHeader>;

/** A send's answer read straight from its binary header (readSendMessageResponse). */
export interface SendMessageResponseFields extends SendMessageResponseHeader {
  readonly code: number;
  /** MSG_REGION and TRACE_ON, as the broker wrote them (undefined when absent). */
  readonly regionId: string | undefined;
  readonly traceOn: string | undefined;
}

/** Key bytes equal to `name` (of the same length: the caller switched on it). */
function isKey(bytes: Buffer, at: number, name: Uint8Array): boolean {
  for (let index = 0; index < name.length; index++) if (bytes[at + index] !== name[index]) return false;
  return true;
}

const MSG_ID = Buffer.from('msgId');
const QUEUE_ID = Buffer.from('queueId');
const TRACE_ON = Buffer.from('TRACE_ON');
const MSG_REGION = Buffer.from('MSG_REGION');
const QUEUE_OFFSET = Buffer.from('queueOffset');
const TRANSACTION_ID = Buffer.from('transactionId');

/**
 * Collects the fields of SendMessageResponseHeader plus MSG_REGION and TRACE_ON; `unusual` when a
 * number is not plain digits in range, so the generic decode (which trims, or names the error)
 * decides instead. Reused: reading is synchronous.
 */
class SendResponseReader implements BinaryHeaderReader {
  code = 0;
  unusual = false;
  msgId: string | undefined;
  queueId: number | undefined;
  queueOffset: number | undefined;
  transactionId: string | undefined;
  regionId: string | undefined;
  traceOn: string | undefined;

  head(code: number): void {
    this.code = code;
    this.unusual = false;
    this.msgId = undefined;
    this.queueId = undefined;
    this.queueOffset = undefined;
    this.transactionId = undefined;
    this.regionId = undefined;
    this.traceOn = undefined;
  }

  field(bytes: Buffer, keyAt: number, keyLength: number, valueAt: number, valueLength: number): void {
    switch (keyLength) {
      case 5:
        if (isKey(bytes, keyAt, MSG_ID)) this.msgId = binaryHeaderText(bytes, valueAt, valueAt + valueLength);
        return;
      case 7:
        if (isKey(bytes, keyAt, QUEUE_ID)) {
          const value = plainDigits(bytes, valueAt, valueLength);
          if (value === undefined || value < INT_MIN || value > INT_MAX) this.unusual = true;
          else this.queueId = value;
        }
        return;
      case 8:
        if (isKey(bytes, keyAt, TRACE_ON)) this.traceOn = binaryHeaderText(bytes, valueAt, valueAt + valueLength);
        return;
      case 10:
        if (isKey(bytes, keyAt, MSG_REGION)) this.regionId = binaryHeaderText(bytes, valueAt, valueAt + valueLength);
        return;
      case 11:
        if (isKey(bytes, keyAt, QUEUE_OFFSET)) {
          const value = plainDigits(bytes, valueAt, valueLength);
          if (value === undefined) this.unusual = true;
          else this.queueOffset = value;
        }
        return;
      case 13:
        if (isKey(bytes, keyAt, TRANSACTION_ID)) this.transactionId = binaryHeaderText(bytes, valueAt, valueAt + valueLength);
        return;
      default:
    }
  }
}

const sendResponseReader = new SendResponseReader();

/**
 * The answer to a send, read from a response frame (the bytes after the length field) whose header
 * is ROCKETMQ binary, without an extFields object or a string per key: what
 * SendMessageResponseHeader.decode and the MSG_REGION / TRACE_ON fields give. Undefined whenever
 * the generic decode must decide (a JSON header, a malformed one, a required field missing, a
 * number that is not plain digits), so errors stay the generic decode's.
 */
export function readSendMessageResponse(frame: Buffer): SendMessageResponseFields | undefined {
  const end = binaryHeaderEnd(frame);
  if (end === undefined) return undefined;
  const reader = sendResponseReader;
  try {
    readBinaryHeader(frame, FRAME_HEADER_AT, end, reader);
  } catch {
    return undefined;
  }
  const { code, msgId, queueId, queueOffset, transactionId, regionId, traceOn } = reader;
  if (reader.unusual || msgId === undefined || queueId === undefined || queueOffset === undefined) return undefined;
  return { code, msgId, queueId, queueOffset, transactionId, regionId, traceOn };
}
