/**
 * send-back.ts: CONSUMER_SEND_MSG_BACK 36 (AbstractSendMessageProcessor.consumerSendMsgBack): a
 * consumer failed to consume the message at a CommitLog offset, and the broker stores a copy for
 * another try:
 * - to %RETRY%<group> (created with the group's retryQueueNums), delayed by level
 *   3 + reconsumeTimes when the request's delayLevel is 0 (10 s, 30 s, 1 m, ... with the default
 *   levels), by the request's level when it is > 0 — through the schedule, like any delayed put;
 * - to %DLQ%<group> once reconsumeTimes reached maxReconsumeTimes, or when delayLevel < 0.
 * The copy keeps body, flag, sysFlag and born host/time, has reconsumeTimes + 1, RETRY_TOPIC =
 * the original topic (kept if already set) and ORIGIN_MESSAGE_ID = the first message's id. A
 * retried timer message loses TIMER_DELIVER_MS / TIMER_DELAY_MS / TIMER_DELAY_SEC, as Java's put
 * hook drops them beside a delay level; a dead-lettered one keeps them (and TIMER_OUT_MS, so it
 * is never scheduled again).
 * Must not: change the original message.
 */
import {
  createOffsetMessageId,
  decodeProperties,
  encodeProperties,
  MessageConst,
  retryTopic,
  tagsCode,
} from '../../message/index.js';
import { isWriteable, PermName, ResponseCode, type ConsumerSendMsgBackRequestHeader } from '../../protocol/index.js';
import { ok, type HandlerResult } from '../../remoting/index.js';
import type { PutMessageRequest } from '../../store/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { routeDelayed } from '../schedule/schedule-route.js';
import { randomQueueId } from '../send/message-check.js';
import { TIMER_REQUEST_PROPERTIES } from '../timer/timer-const.js';
import { deadLetterQueue, maxReconsumeTimesOf, retryGroup } from './retry-policy.js';

/** TopicSysFlag.buildSysFlag(false, true): a unit-mode consumer's retry topic. */
const TOPIC_SYS_FLAG_UNIT_SUB = 2;
/** The broker's first retry level: 3 (10 s by default), one more per earlier retry. */
const FIRST_RETRY_DELAY_LEVEL = 3;

/** CONSUMER_SEND_MSG_BACK; `version` is the request's (maxReconsumeTimes counts from V3_4_9). */
export async function consumerSendMsgBack(ctx: BrokerContext, header: ConsumerSendMsgBackRequestHeader, version: number): Promise<HandlerResult> {
  const group = retryGroup(ctx, header.group);
  if (!isWriteable(ctx.config.brokerPermission)) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  // A group without retry queues does not retry: the message counts as handled.
  if (group.retryQueueNums <= 0) return ok();
  let topic = retryTopic(header.group);
  let queueId = randomQueueId(group.retryQueueNums);
  const sysFlag = header.unitMode === true ? TOPIC_SYS_FLAG_UNIT_SUB : 0;
  const retryConfig = ctx.topics.createInSendMessageBack(topic, group.retryQueueNums, PermName.READ | PermName.WRITE, sysFlag);
  if (!isWriteable(retryConfig.perm)) throw new BrokerError(ResponseCode.NO_PERMISSION, `the topic[${topic}] sending message is forbidden`);

  const record = await ctx.store.lookMessageByOffset(header.offset);
  if (record === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `look message by offset failed, ${header.offset}`);
  const properties = decodeProperties(record.properties);
  if (!properties.has(MessageConst.RETRY_TOPIC)) properties.set(MessageConst.RETRY_TOPIC, record.topic);
  properties.set(MessageConst.WAIT_STORE_MSG_OK, 'false');
  const originMessageId = properties.get(MessageConst.ORIGIN_MESSAGE_ID);
  if (originMessageId === undefined || originMessageId.trim().length === 0) {
    properties.set(MessageConst.ORIGIN_MESSAGE_ID, createOffsetMessageId(record.storeHost, record.commitLogOffset));
  }

  const maxReconsumeTimes = maxReconsumeTimesOf(group, version, header.maxReconsumeTimes);
  const dead = record.reconsumeTimes >= maxReconsumeTimes || header.delayLevel < 0;
  if (dead) {
    const dlq = deadLetterQueue(ctx, header.group);
    topic = dlq.topic;
    queueId = dlq.queueId;
    properties.set(MessageConst.DELAY_TIME_LEVEL, '0');
  } else {
    const delayLevel = header.delayLevel === 0 ? FIRST_RETRY_DELAY_LEVEL + record.reconsumeTimes : header.delayLevel;
    properties.set(MessageConst.DELAY_TIME_LEVEL, String(delayLevel));
    // A delay level wins over a timer message's own due time, which Java's put hook drops.
    for (const name of TIMER_REQUEST_PROPERTIES) properties.delete(name);
  }
  const request: PutMessageRequest = {
    topic,
    queueId,
    flag: record.flag,
    body: record.body,
    properties: encodeProperties(properties),
    sysFlag: record.sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: record.reconsumeTimes + 1,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(properties.get(MessageConst.TAGS)),
  };
  const result = await ctx.store.putMessage(routeDelayed(ctx.delayLevels, request, ctx.clock.now()));
  if (result.status !== 'PUT_OK') throw new BrokerError(ResponseCode.SYSTEM_ERROR, result.status);
  if (dead) {
    ctx.logger.info(
      { group: header.group, originTopic: header.originTopic, uniqKey: properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX), reconsumeTimes: record.reconsumeTimes },
      'message sent to the dead-letter queue',
    );
  }
  return ok();
}
