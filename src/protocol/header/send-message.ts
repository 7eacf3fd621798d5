// RequestCode.SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320).
// SEND_MESSAGE uses the long names; SEND_MESSAGE_V2 carries the same fields under one-letter names.
import type { ExtFields, HeaderFieldSink, TypedHeader } from '../command.js';
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

export const SendMessageRequestHeaderV2: HeaderCodec<typeof fields> = {
  ...v2Codec,
  decode: decodeV2,
  typed: (value) => new SendMessageV2Fields(value, value.queueId, value.bornTimestamp, value.brokerName),
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
