/**
 * transactional-message-util.ts: the records of a transaction and how each is made from the one
 * before (TransactionalMessageBridge, TransactionalMessageUtil, EndTransactionProcessor):
 * - the half message: the send as stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0, with REAL_TOPIC,
 *   REAL_QID and __transactionId__ (= UNIQ_KEY), transaction type NOT_TYPE;
 * - a copy: the half put back at the end of the half queue when it is checked (or while its
 *   CHECK_IMMUNITY_TIME_IN_SECONDS lasts), with TRANSACTION_CHECK_TIMES and
 *   TRAN_PREPARED_QUEUE_OFFSET = the queue offset of the first half (its origin);
 * - the committed message: the half written to its real topic and queue, TRAN_MSG, REAL_TOPIC and
 *   REAL_QID removed, transaction type COMMIT, preparedTransactionOffset = the half's CommitLog offset;
 * - the op message: a record in RMQ_SYS_TRANS_OP_HALF_TOPIC queue 0, tag "d", whose body lists
 *   finished half queue offsets followed by commas (a commit, a rollback or a discard);
 * - the discarded message: a half checked transactionCheckMax times, moved to
 *   TRANS_CHECK_MAX_TIME_TOPIC queue 0.
 * One transaction is known by its origin: every copy points at it, so a decision on any copy (or
 * on the first half) is a decision on all of them. Java keeps the flag of a half only until its
 * first copy; copies here keep it.
 * Must not: store anything (callers do).
 */
import {
  decodeProperties,
  encodeProperties,
  findProperty,
  MessageConst,
  MessageSysFlag,
  tagsCode,
  TopicNames,
  withTransactionType,
  type MessageRecord,
} from '../../message/index.js';
import type { PutMessageRequest } from '../../store/index.js';

/** MixAll.CID_SYS_RMQ_TRANS: the system group whose offsets on the half and op queues are the check progress. */
export const TRANSACTION_GROUP = 'CID_RMQ_SYS_TRANS';
/** The one half queue (and its op queue). */
export const HALF_QUEUE_ID = 0;
/** TransactionalMessageUtil.REMOVE_TAG. */
export const REMOVE_TAG = 'd';
export const OFFSET_SEPARATOR = ',';

const DIGITS = /^\d+$/;

/** The queue offset of the first half of this record's transaction. */
export function originOf(record: MessageRecord): number {
  const text = findProperty(record.properties, MessageConst.TRANSACTION_PREPARED_QUEUE_OFFSET);
  const origin = text !== undefined && DIGITS.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(origin) && origin <= record.queueOffset ? origin : record.queueOffset;
}

/** TRANSACTION_CHECK_TIMES: how many checks were sent for this transaction (0 when absent or unreadable). */
export function checkTimesOf(record: MessageRecord): number {
  const text = findProperty(record.properties, MessageConst.TRANSACTION_CHECK_TIMES);
  const times = text !== undefined && DIGITS.test(text) ? Number(text) : 0;
  return Number.isSafeInteger(times) ? times : 0;
}

/**
 * TransactionalMessageUtil.getImmunityTime: CHECK_IMMUNITY_TIME_IN_SECONDS in ms, never below
 * transactionTimeOut; undefined when the message has none.
 */
export function immunityTimeMs(record: MessageRecord, transactionTimeOutMs: number): number | undefined {
  const text = findProperty(record.properties, MessageConst.CHECK_IMMUNITY_TIME_IN_SECONDS);
  if (text === undefined || text.length === 0) return undefined;
  const seconds = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : 0;
  return Math.max(Number.isSafeInteger(seconds) ? seconds * 1000 : 0, transactionTimeOutMs);
}

/** The half message of a transactional send (parseHalfMessageInner). */
export function toHalfMessage(request: PutMessageRequest, uniqKey: string): PutMessageRequest {
  const properties = decodeProperties(request.properties);
  if (uniqKey.length > 0) properties.set(MessageConst.TRANSACTION_ID, uniqKey);
  properties.set(MessageConst.REAL_TOPIC, request.topic);
  properties.set(MessageConst.REAL_QUEUE_ID, String(request.queueId));
  // A new half has never been checked and is its own origin, whatever the client sent.
  properties.delete(MessageConst.TRANSACTION_CHECK_TIMES);
  properties.delete(MessageConst.TRANSACTION_PREPARED_QUEUE_OFFSET);
  return {
    ...request,
    topic: TopicNames.TRANS_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    properties: encodeProperties(properties),
    sysFlag: withTransactionType(request.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE),
  };
}

/** A record as it was put: everything but the offsets and store time. */
function asPut(record: MessageRecord, properties: string): PutMessageRequest {
  return {
    topic: record.topic,
    queueId: record.queueId,
    flag: record.flag,
    body: record.body,
    properties,
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: record.reconsumeTimes,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(findProperty(properties, MessageConst.TAGS)),
  };
}

/** A copy of a half at the end of the half queue (renewHalfMessageInner), pointing at its origin. */
export function halfCopy(record: MessageRecord, checkTimes: number): PutMessageRequest {
  const properties = decodeProperties(record.properties);
  properties.set(MessageConst.TRANSACTION_CHECK_TIMES, String(checkTimes));
  properties.set(MessageConst.TRANSACTION_PREPARED_QUEUE_OFFSET, String(originOf(record)));
  return asPut(record, encodeProperties(properties));
}

/** The committed message in its real topic and queue (endMessageTransaction), or why there is none. */
export function committedMessage(record: MessageRecord): { ok: true; request: PutMessageRequest } | { ok: false; reason: string } {
  const properties = decodeProperties(record.properties);
  const topic = properties.get(MessageConst.REAL_TOPIC);
  const queueIdText = properties.get(MessageConst.REAL_QUEUE_ID);
  const queueId = queueIdText !== undefined && DIGITS.test(queueIdText) ? Number(queueIdText) : Number.NaN;
  if (topic === undefined || topic.length === 0) return { ok: false, reason: 'the half message has no REAL_TOPIC' };
  if (!Number.isSafeInteger(queueId) || queueId > 2 ** 31 - 1) return { ok: false, reason: `the half message's REAL_QID ${JSON.stringify(queueIdText)} is not a queue id` };
  properties.delete(MessageConst.REAL_TOPIC);
  properties.delete(MessageConst.REAL_QUEUE_ID);
  properties.delete(MessageConst.TRANSACTION_PREPARED);
  const put = asPut(record, encodeProperties(properties));
  return {
    ok: true,
    request: {
      ...put,
      topic,
      queueId,
      sysFlag: withTransactionType(record.sysFlag, MessageSysFlag.TRANSACTION_COMMIT_TYPE),
      preparedTransactionOffset: record.commitLogOffset,
    },
  };
}

/** The record a check carries: the half as its real message (sendCheckMessage), at the copy's offsets. */
export function checkedMessage(record: MessageRecord, copy: { properties: string; queueOffset: number; commitLogOffset: number }): MessageRecord {
  const properties = decodeProperties(copy.properties);
  const realQueueId = Number(properties.get(MessageConst.REAL_QUEUE_ID));
  return {
    ...record,
    topic: properties.get(MessageConst.REAL_TOPIC) ?? record.topic,
    queueId: Number.isSafeInteger(realQueueId) ? realQueueId : record.queueId,
    properties: copy.properties,
    queueOffset: copy.queueOffset,
    commitLogOffset: copy.commitLogOffset,
  };
}

/** A half moved to TRANS_CHECK_MAX_TIME_TOPIC queue 0 (toMessageExtBrokerInner). */
export function discardedMessage(record: MessageRecord): PutMessageRequest {
  return { ...asPut(record, record.properties), topic: TopicNames.TRANS_CHECK_MAX_TIME_TOPIC, queueId: 0 };
}

/** The op message recording finished half offsets (makeOpMessageInner). */
export function opMessage(offsets: readonly number[], born: { host: Buffer; timestamp: number; uniqKey: string }): PutMessageRequest {
  const properties = new Map([
    [MessageConst.TAGS, REMOVE_TAG],
    [MessageConst.WAIT_STORE_MSG_OK, 'false'],
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, born.uniqKey],
  ]);
  return {
    topic: TopicNames.TRANS_OP_HALF_TOPIC,
    queueId: HALF_QUEUE_ID,
    flag: 0,
    body: Buffer.from(offsets.map((offset) => offset + OFFSET_SEPARATOR).join('')),
    properties: encodeProperties(properties),
    sysFlag: 0,
    bornTimestamp: born.timestamp,
    bornHost: born.host,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(REMOVE_TAG),
  };
}

/** The half offsets an op message lists; unreadable pieces are skipped (getLong answers -1 in Java). */
export function opOffsets(record: MessageRecord): number[] {
  if (findProperty(record.properties, MessageConst.TAGS) !== REMOVE_TAG) return [];
  const offsets: number[] = [];
  for (const piece of record.body.toString('utf8').split(OFFSET_SEPARATOR)) {
    const offset = DIGITS.test(piece) ? Number(piece) : Number.NaN;
    if (Number.isSafeInteger(offset)) offsets.push(offset);
  }
  return offsets;
}
