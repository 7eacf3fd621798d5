/**
 * schedule-route.ts: how a message with a delay level is stored and how it comes back.
 *
 * Into the schedule (HookUtils.transformDelayLevelMessage): a put whose DELAY property is > 0
 * (level above the highest → the highest) goes to SCHEDULE_TOPIC_XXXX queue level - 1, with its
 * real topic and queue kept in REAL_TOPIC / REAL_QID, and its ConsumeQueue tagsCode is the time
 * it is due (computeDeliverTimestamp), which is what the schedule service reads.
 * Out of it (ScheduleMessageService.messageTimeUp): the stored record is put back as it was sent,
 * to REAL_TOPIC / REAL_QID, without DELAY (and the timer properties); like Java, REAL_TOPIC and
 * REAL_QID stay on the delivered message.
 *
 * Transactional half messages are never scheduled (only NOT_TYPE and COMMIT puts are); timer
 * messages (TIMER_*) go to the timer (src/broker/timer/), and a delay level beside them wins.
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
import { queueIdOfLevel, type DelayLevelTable } from './delay-levels.js';

const INTEGER = /^-?\d+$/;

/** The DELAY property as a level: 0 when absent; throws MESSAGE_ILLEGAL when it is not an int. */
export function delayLevelOf(properties: string): number {
  const text = findProperty(properties, MessageConst.DELAY_TIME_LEVEL);
  if (text === undefined) return 0;
  const level = INTEGER.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(level) || Math.abs(level) > 2 ** 31 - 1) {
    throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `the delay level ${JSON.stringify(text)} is not an integer`);
  }
  return level;
}

/** The part of a put the schedule rewrites. */
export interface PutTarget {
  readonly topic: string;
  readonly queueId: number;
  readonly properties: string;
  readonly sysFlag: number;
  readonly tagsCode: number;
}

/**
 * `target` unchanged when it is not delayed, else where it waits: SCHEDULE_TOPIC_XXXX, queue
 * level - 1, due at `now` plus the level's delay. `now` is taken just before the put, so the due
 * time is at most the put's own latency earlier than storeTimestamp + delay (what recovery uses).
 */
export function routeDelayed<T extends PutTarget>(levels: DelayLevelTable, target: T, now: number): T {
  const type = transactionType(target.sysFlag);
  if (type !== MessageSysFlag.TRANSACTION_NOT_TYPE && type !== MessageSysFlag.TRANSACTION_COMMIT_TYPE) return target;
  const requested = delayLevelOf(target.properties);
  if (requested <= 0) return target;
  const level = levels.clamp(requested);
  const properties = decodeProperties(target.properties);
  if (level !== requested) properties.set(MessageConst.DELAY_TIME_LEVEL, String(level));
  properties.set(MessageConst.REAL_TOPIC, target.topic);
  properties.set(MessageConst.REAL_QUEUE_ID, String(target.queueId));
  return {
    ...target,
    topic: TopicNames.SCHEDULE_TOPIC,
    queueId: queueIdOfLevel(level),
    properties: encodeProperties(properties),
    tagsCode: levels.deliverTimestamp(level, now),
  };
}

/**
 * The ConsumeQueue tagsCode of a stored record, for recovery: the due time of a scheduled message
 * (CommitLog.checkMessageAndReturnSize), the TAGS hash of any other.
 */
export function scheduleAwareTagsCodeOf(levels: DelayLevelTable): (record: MessageRecord) => number {
  return (record) => {
    if (record.topic === TopicNames.SCHEDULE_TOPIC) {
      const text = findProperty(record.properties, MessageConst.DELAY_TIME_LEVEL);
      const level = text !== undefined && INTEGER.test(text.trim()) ? levels.clamp(Number(text.trim())) : 0;
      if (level > 0) return levels.deliverTimestamp(level, record.storeTimestamp);
    }
    return tagsCode(findProperty(record.properties, MessageConst.TAGS));
  };
}

/** Properties messageTimeUp drops from a delivered message. */
const CLEARED_ON_DELIVERY = [MessageConst.DELAY_TIME_LEVEL, MessageConst.TIMER_DELIVER_MS, MessageConst.TIMER_DELAY_SEC];

/** The put that delivers a due scheduled record to its real topic and queue, or why it cannot. */
export function messageTimeUp(record: MessageRecord): { ok: true; request: PutMessageRequest } | { ok: false; reason: string } {
  const properties = decodeProperties(record.properties);
  const topic = properties.get(MessageConst.REAL_TOPIC);
  const queueIdText = properties.get(MessageConst.REAL_QUEUE_ID);
  const queueId = queueIdText !== undefined && /^\d+$/.test(queueIdText) ? Number(queueIdText) : Number.NaN;
  if (topic === undefined || topic.length === 0) return { ok: false, reason: 'no REAL_TOPIC property' };
  if (!Number.isSafeInteger(queueId) || queueId > 2 ** 31 - 1) return { ok: false, reason: `REAL_QID ${JSON.stringify(queueIdText)} is not a queue id` };
  // A half message must never reach consumers this way (Java discards it too).
  if (topic === TopicNames.TRANS_HALF_TOPIC) return { ok: false, reason: `the real topic is ${topic}` };
  for (const name of CLEARED_ON_DELIVERY) properties.delete(name);
  return {
    ok: true,
    request: {
      topic,
      queueId,
      flag: record.flag,
      body: record.body,
      properties: encodeProperties(properties),
      sysFlag: record.sysFlag,
      bornTimestamp: record.bornTimestamp,
      bornHost: record.bornHost,
      reconsumeTimes: record.reconsumeTimes,
      preparedTransactionOffset: 0,
      tagsCode: tagsCode(properties.get(MessageConst.TAGS)),
    },
  };
}
