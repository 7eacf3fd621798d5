/**
 * recall.ts: RECALL_MESSAGE 370 (RecallMessageProcessor.java): cancels a timer message by the
 * recall handle its send answered. The broker checks the request as Java does, with Java's codes
 * and remarks, then stores Java's marker message in rmq_sys_wheel_timer: TIMER_DEL_UNIQKEY =
 * "<topic>+<UNIQ_KEY>", due at the handle's timestamp - 1, which is the message's own due time
 * (the handle carries TIMER_OUT_MS + 1), so the marker lands in the message's slot and the timer
 * skips the message there. The answer's msgId is the recalled UNIQ_KEY.
 *
 * A recall that comes too late (the message already went out) still answers SUCCESS, as Java's
 * does; a recall moments before the due time may lose the race with the delivery.
 * Must not: touch the timer's files (the marker goes through the queue like any timer message).
 */
import { encodeProperties, encodeSocketAddress, MessageConst, splitHostPort, tagsCode } from '../../message/index.js';
import { isWriteable, RecallMessageResponseHeader, ResponseCode, type RecallMessageRequestHeader } from '../../protocol/index.js';
import { ok, type Connection, type HandlerResult } from '../../remoting/index.js';
import type { PutMessageRequest } from '../../store/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { deleteKey, RECALL_MESSAGE_TAG, TIMER_QUEUE_ID, TIMER_TOPIC, TimerProperty, TRACE_CONTEXT } from './timer-const.js';
import { decodeRecallHandle, type RecallHandle } from './timer-route.js';

const JAVA_LONG = /^[+-]?\d{1,19}$/;

/** NumberUtils.toLong(text, -1). */
function toLong(text: string): number {
  const value = JAVA_LONG.test(text) ? Number(text) : Number.NaN;
  return Number.isSafeInteger(value) ? value : -1;
}

function check(ctx: BrokerContext, header: RecallMessageRequestHeader): RecallHandle {
  const { config } = ctx;
  if (!config.recallMessageEnable) throw new BrokerError(ResponseCode.NO_PERMISSION, 'recall failed, operation is forbidden');
  if (!isWriteable(config.brokerPermission) && !config.allowRecallWhenBrokerNotWriteable) {
    throw new BrokerError(ResponseCode.SERVICE_NOT_AVAILABLE, 'recall failed, broker service not available');
  }
  if (ctx.topics.get(header.topic) === undefined) throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `recall failed, the topic[${header.topic}] not exist`);
  const handle = decodeRecallHandle(header.recallHandle);
  if (handle === undefined) throw new BrokerError(ResponseCode.ILLEGAL_OPERATION, 'recall handle is invalid');
  if (handle.topic !== header.topic) throw new BrokerError(ResponseCode.ILLEGAL_OPERATION, 'recall failed, topic not match');
  if (handle.brokerName !== config.brokerName) throw new BrokerError(ResponseCode.ILLEGAL_OPERATION, 'recall failed, broker service not available');
  const timeLeft = toLong(handle.timestamp) - ctx.clock.now();
  if (timeLeft <= 0 || timeLeft >= config.timerMaxDelaySec * 1000) throw new BrokerError(ResponseCode.ILLEGAL_OPERATION, 'recall failed, timestamp invalid');
  return handle;
}

function marker(ctx: BrokerContext, header: RecallMessageRequestHeader, handle: RecallHandle, connection: Connection): PutMessageRequest {
  const now = ctx.clock.now();
  const properties = new Map<string, string>([
    [MessageConst.TAGS, RECALL_MESSAGE_TAG],
    [TimerProperty.DEL_UNIQKEY, deleteKey(handle.topic, handle.messageId)],
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, handle.messageId],
    [TimerProperty.DELIVER_MS, handle.timestamp],
    [MessageConst.BORN_TIMESTAMP, String(now)],
    [TRACE_CONTEXT, ''],
  ]);
  if (header.producerGroup !== undefined) properties.set(MessageConst.PRODUCER_GROUP, header.producerGroup);
  properties.set(TimerProperty.OUT_MS, String(toLong(handle.timestamp) - 1));
  properties.set(MessageConst.REAL_TOPIC, handle.topic);
  properties.set(MessageConst.REAL_QUEUE_ID, '0');
  const { host, port } = splitHostPort(connection.remoteAddress);
  return {
    topic: TIMER_TOPIC,
    queueId: TIMER_QUEUE_ID,
    flag: 0,
    body: Buffer.from('0'),
    properties: encodeProperties(properties),
    sysFlag: 0,
    bornTimestamp: now,
    bornHost: encodeSocketAddress(host, port),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(RECALL_MESSAGE_TAG),
  };
}

export async function recallMessage(ctx: BrokerContext, header: RecallMessageRequestHeader, connection: Connection): Promise<HandlerResult> {
  const handle = check(ctx, header);
  const result = await ctx.store.putMessage(marker(ctx, header, handle, connection));
  if (!('messages' in result)) {
    ctx.logger.warn({ topic: handle.topic, msgId: handle.messageId, status: result.status, reason: result.reason }, 'storing a recall marker failed');
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'recall failed, execute error');
  }
  return ok({ ...RecallMessageResponseHeader.encode({ msgId: handle.messageId }), [MessageConst.MSG_REGION]: ctx.config.regionId });
}
