/**
 * timer-route.ts: how a timer message is stored and how it comes back.
 *
 * Into the timer (HookUtils.checkIfTimerMessage / transformTimerMessage): a put with
 * TIMER_DELAY_SEC, else TIMER_DELAY_MS (relative to now), else TIMER_DELIVER_MS (absolute) whose
 * due time is in the future is stored in rmq_sys_wheel_timer queue 0 with TIMER_OUT_MS = the due
 * time and its real topic and queue in REAL_TOPIC / REAL_QID. A due time more than
 * timerMaxDelaySec away is refused with Java's remark; a due time now or in the past is stored as
 * a plain message (delivered at once). A delay level wins over the timer properties, which are
 * dropped (as Java). Only NOT_TYPE and COMMIT puts are scheduled; a message that already carries
 * TIMER_OUT_MS was delivered by a timer once and is not scheduled again.
 * Differences from Java: TIMER_OUT_MS is the exact due time (Java floors it to its precision and
 * delivers up to a precision early); a value that is not an integer gets a remark that names it.
 *
 * The recall handle (RecallMessageHandle.HandleV1): URL-safe Base64, with padding, of
 * "v1 <topic> <brokerName> <TIMER_OUT_MS + 1> <UNIQ_KEY>" (the + 1 is Java's, "consider of floor").
 *
 * Out of it (TimerMessageStore.convert / convertMessage): the waiting copy is put to REAL_TOPIC /
 * REAL_QID without those two properties, with TIMER_ENQUEUE_MS and TIMER_DEQUEUE_MS set and its
 * tag hash recomputed; TIMER_OUT_MS and the producer's TIMER_* stay, as in Java.
 * Must not: store anything itself.
 */
import {
  decodeProperties,
  encodeProperties,
  findProperty,
  MessageConst,
  MessageSysFlag,
  tagsCode,
  TopicNames,
  transactionType,
  type MessageRecord,
} from '../../message/index.js';
import { ResponseCode } from '../../protocol/index.js';
import type { PutMessageRequest } from '../../store/index.js';
import { BrokerError } from '../errors.js';
import { delayLevelOf, type PutTarget } from '../schedule/schedule-route.js';
import { withProperty } from '../send/message-properties.js';
import { deleteKey, TIMER_QUEUE_ID, TIMER_REQUEST_PROPERTIES, TIMER_TOPIC, TimerProperty } from './timer-const.js';

const JAVA_LONG = /^[+-]?\d{1,19}$/;

/** The broker config keys a send needs (BrokerConfig has them). */
export interface TimerSendSettings {
  readonly timerWheelEnable: boolean;
  readonly timerMaxDelaySec: number;
}

/** WHEEL_TIMER_MSG_ILLEGAL's remark (SendMessageProcessor.handlePutMessageResult). */
export function timerIllegalRemark(maxDelaySec: number): string {
  return `timer message illegal, the delay time should not be bigger than the max delay ${maxDelaySec * 1000}ms; or if set del msg, the delay time should be bigger than the current time`;
}

function parseJavaLong(name: string, text: string, maxDelaySec: number): number {
  const value = JAVA_LONG.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `${timerIllegalRemark(maxDelaySec)} (${name} ${JSON.stringify(text)} is not an integer)`);
  }
  return value;
}

/** The due time a put asks for (Java's order of precedence), or undefined when it asks for none. */
export function requestedDueMs(properties: string, now: number, maxDelaySec: number): number | undefined {
  const delaySec = findProperty(properties, TimerProperty.DELAY_SEC);
  if (delaySec !== undefined) return now + parseJavaLong(TimerProperty.DELAY_SEC, delaySec, maxDelaySec) * 1000;
  const delayMs = findProperty(properties, TimerProperty.DELAY_MS);
  if (delayMs !== undefined) return now + parseJavaLong(TimerProperty.DELAY_MS, delayMs, maxDelaySec);
  const deliverMs = findProperty(properties, TimerProperty.DELIVER_MS);
  if (deliverMs !== undefined) return parseJavaLong(TimerProperty.DELIVER_MS, deliverMs, maxDelaySec);
  return undefined;
}

function hasTimerRequest(properties: string): boolean {
  return TIMER_REQUEST_PROPERTIES.some((name) => findProperty(properties, name) !== undefined);
}

/**
 * `target` unchanged when it is not a timer message for the future, else where it waits:
 * rmq_sys_wheel_timer queue 0, due at TIMER_OUT_MS. Throws MESSAGE_ILLEGAL (bad value, too far)
 * or SYSTEM_ERROR (timerWheelEnable=false) as Java answers.
 */
export function routeTimer<T extends PutTarget>(settings: TimerSendSettings, target: T, now: number): T {
  const type = transactionType(target.sysFlag);
  if (type !== MessageSysFlag.TRANSACTION_NOT_TYPE && type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return target;
  if (target.topic === TIMER_TOPIC || !hasTimerRequest(target.properties)) return target;
  if (findProperty(target.properties, TimerProperty.OUT_MS) !== undefined) return target;
  if (delayLevelOf(target.properties) > 0) {
    const properties = decodeProperties(target.properties);
    for (const name of TIMER_REQUEST_PROPERTIES) properties.delete(name);
    return { ...target, properties: encodeProperties(properties) };
  }
  if (!settings.timerWheelEnable) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'accurate timer message is not enabled, timerWheelEnable is false');
  }
  const dueMs = requestedDueMs(target.properties, now, settings.timerMaxDelaySec) as number;
  if (dueMs <= now) {
    if (findProperty(target.properties, TimerProperty.DEL_UNIQKEY) !== undefined) {
      throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, timerIllegalRemark(settings.timerMaxDelaySec));
    }
    return target;
  }
  if (dueMs - now > settings.timerMaxDelaySec * 1000) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, timerIllegalRemark(settings.timerMaxDelaySec));
  const properties = decodeProperties(target.properties);
  properties.set(TimerProperty.OUT_MS, String(dueMs));
  properties.set(MessageConst.REAL_TOPIC, target.topic);
  properties.set(MessageConst.REAL_QUEUE_ID, String(target.queueId));
  return { ...target, topic: TIMER_TOPIC, queueId: TIMER_QUEUE_ID, properties: encodeProperties(properties) };
}

/** The recall handle of a stored put (SendMessageProcessor.attachRecallHandle), or undefined. */
export function recallHandleOf(stored: { readonly topic: string; readonly properties: string }, brokerName: string): string | undefined {
  if (stored.topic !== TIMER_TOPIC) return undefined;
  const outMs = findProperty(stored.properties, TimerProperty.OUT_MS);
  const realTopic = findProperty(stored.properties, MessageConst.REAL_TOPIC);
  const uniqKey = findProperty(stored.properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (outMs === undefined || realTopic === undefined || uniqKey === undefined || realTopic.startsWith('%RETRY%')) return undefined;
  return encodeRecallHandle({ topic: realTopic, brokerName, timestamp: String(Number(outMs) + 1), messageId: uniqKey });
}

export interface RecallHandle {
  readonly topic: string;
  readonly brokerName: string;
  /** Java keeps it a string and parses it late (NumberUtils.toLong, -1 when not a number). */
  readonly timestamp: string;
  readonly messageId: string;
}

/** RecallMessageHandle.HandleV1.buildHandle: Base64.getUrlEncoder(), which pads with '='. */
export function encodeRecallHandle(handle: RecallHandle): string {
  const raw = ['v1', handle.topic, handle.brokerName, handle.timestamp, handle.messageId].join(' ');
  return Buffer.from(raw, 'utf8').toString('base64').replaceAll('+', '-').replaceAll('/', '_');
}

/** RecallMessageHandle.decodeHandle; undefined where Java throws "recall handle is invalid". */
export function decodeRecallHandle(text: string | undefined): RecallHandle | undefined {
  if (text === undefined || text.length === 0 || !/^[A-Za-z0-9_-]*={0,2}$/.test(text) || text.replace(/=+$/, '').length % 4 === 1) return undefined;
  const items = Buffer.from(text, 'base64url').toString('utf8').split(' ');
  while (items.length > 0 && items.at(-1) === '') items.pop(); // String.split drops trailing empties
  const [version, topic, brokerName, timestamp, messageId] = items;
  if (version !== 'v1' || topic === undefined || brokerName === undefined || timestamp === undefined || messageId === undefined) return undefined;
  return { topic, brokerName, timestamp, messageId };
}

/** The key recall markers name a waiting record by, from its properties. */
export function recallKeyOf(properties: string): string | undefined {
  const realTopic = findProperty(properties, MessageConst.REAL_TOPIC);
  const uniqKey = findProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  return realTopic === undefined || uniqKey === undefined ? undefined : deleteKey(realTopic, uniqKey);
}

/** The put that delivers a due waiting copy to its real topic and queue, or why it cannot. */
export function timerDelivery(record: MessageRecord, enqueueMs: string, dequeueMs: number): { ok: true; request: PutMessageRequest } | { ok: false; reason: string } {
  const properties = decodeProperties(record.properties);
  const topic = properties.get(MessageConst.REAL_TOPIC);
  const queueIdText = properties.get(MessageConst.REAL_QUEUE_ID);
  const queueId = queueIdText !== undefined && /^\d{1,10}$/.test(queueIdText) ? Number(queueIdText) : Number.NaN;
  if (topic === undefined || topic.length === 0) return { ok: false, reason: 'no REAL_TOPIC property' };
  if (!Number.isSafeInteger(queueId) || queueId > 2 ** 31 - 1) return { ok: false, reason: `REAL_QID ${JSON.stringify(queueIdText)} is not a queue id` };
  if (topic === TopicNames.TRANS_HALF_TOPIC || topic === TIMER_TOPIC) return { ok: false, reason: `the real topic is ${topic}` };
  if (properties.has(TimerProperty.DEL_UNIQKEY)) return { ok: false, reason: 'it is a recall marker' };
  properties.delete(MessageConst.REAL_TOPIC);
  properties.delete(MessageConst.REAL_QUEUE_ID);
  properties.set(TimerProperty.ENQUEUE_MS, enqueueMs);
  properties.set(TimerProperty.DEQUEUE_MS, String(dequeueMs));
  return { ok: true, request: { ...putOf(record, properties), topic, queueId } };
}

/** The put that stores a waiting copy again, so its CommitLog data outlives its due time (Java's roll). */
export function timerRefresh(record: MessageRecord): PutMessageRequest {
  const rolls = Number(findProperty(record.properties, TimerProperty.ROLL_TIMES) ?? '0');
  const properties = withProperty(record.properties, TimerProperty.ROLL_TIMES, String(Number.isSafeInteger(rolls) ? rolls + 1 : 1));
  return { ...putOf(record, decodeProperties(properties)), topic: TIMER_TOPIC, queueId: TIMER_QUEUE_ID };
}

function putOf(record: MessageRecord, properties: ReadonlyMap<string, string>): PutMessageRequest {
  return {
    topic: record.topic,
    queueId: record.queueId,
    flag: record.flag,
    body: record.body,
    properties: encodeProperties(properties),
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: record.reconsumeTimes,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(properties.get(MessageConst.TAGS)),
  };
}
