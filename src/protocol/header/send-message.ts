// RequestCode.SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320).
// SEND_MESSAGE uses the long names; SEND_MESSAGE_V2 carries the same fields under one-letter names.
import { bool, header, int, long, str, type Infer } from './define.js';

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

export const SendMessageRequestHeaderV2 = header(fields, {
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

export const SendMessageResponseHeader = header({
  msgId: str(),
  queueId: int(),
  queueOffset: long(),
  transactionId: str.optional(),
  batchUniqId: str.optional(),
  recallHandle: str.optional(),
});
export type SendMessageResponseHeader = Infer<typeof SendMessageResponseHeader>;
