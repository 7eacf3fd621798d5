/**
 * resend-dead-letter.ts: RESEND_DEAD_LETTER_MESSAGE (800000, ours; RocketMQ has no request for
 * this, so operators re-send dead letters by hand): puts a message from a %DLQ%<group> topic
 * back on its original topic, the RETRY_TOPIC property a send-back wrote (or DLQ_ORIGIN_TOPIC,
 * which RocketMQ 5's pop consumption writes), on a random writable queue, with reconsumeTimes 0
 * so consumers get their full number of retries again. Body, flag, tags, keys, UNIQ_KEY and born
 * host/time are kept; the retry bookkeeping (DELAY, RECONSUME_TIME, MAX_RECONSUME_TIMES) is
 * dropped. The answer is a send's: the new message's offset msgId, queueId and queueOffset.
 *
 * The message stays in the DLQ (a queue is a log); re-sending it twice stores it twice.
 * Must not: re-send anything that is not in a dead-letter queue of this broker.
 */
import {
  decodeOffsetMessageId,
  decodeProperties,
  DLQ_GROUP_TOPIC_PREFIX,
  encodeProperties,
  MessageConst,
  MessageIdError,
  MessageSysFlag,
  tagsCode,
  withTransactionType,
  type MessageRecord,
} from '../../message/index.js';
import {
  isWriteable,
  ResponseCode,
  SendMessageResponseHeader,
  type ResendDeadLetterMessageRequestHeader,
  type TopicConfig,
} from '../../protocol/index.js';
import type { HandlerResult } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { putResultToResponse } from '../send/put-result.js';
import { randomQueueId } from '../send/message-check.js';

const CLEARED_ON_RESEND = [MessageConst.DELAY_TIME_LEVEL, MessageConst.RECONSUME_TIME, MessageConst.MAX_RECONSUME_TIMES];

/** The CommitLog offset the request names, checking that a msgId points at this broker. */
function offsetOf(ctx: BrokerContext, header: ResendDeadLetterMessageRequestHeader): number {
  if ((header.msgId === undefined) === (header.offset === undefined)) {
    throw new BrokerError(ResponseCode.INVALID_PARAMETER, 'give either msgId (an offset message id) or offset (a CommitLog offset)');
  }
  if (header.offset !== undefined) return header.offset;
  let decoded;
  try {
    decoded = decodeOffsetMessageId(header.msgId ?? '');
  } catch (error) {
    if (error instanceof MessageIdError) throw new BrokerError(ResponseCode.INVALID_PARAMETER, error.message);
    throw error;
  }
  if (decoded.storeAddress !== ctx.brokerAddress) {
    throw new BrokerError(ResponseCode.INVALID_PARAMETER, `message ${header.msgId} was stored by ${decoded.storeAddress}, not by this broker (${ctx.brokerAddress})`);
  }
  return decoded.commitLogOffset;
}

/** The dead letter's original topic, which must exist and take writes. */
function originalTopic(ctx: BrokerContext, record: MessageRecord, properties: ReadonlyMap<string, string>): TopicConfig {
  const origin = properties.get(MessageConst.RETRY_TOPIC) ?? properties.get(MessageConst.DLQ_ORIGIN_TOPIC);
  if (origin === undefined || origin.length === 0) {
    throw new BrokerError(ResponseCode.INVALID_PARAMETER, `the message at ${record.commitLogOffset} in ${record.topic} names no original topic (RETRY_TOPIC or DLQ_ORIGIN_TOPIC)`);
  }
  const topicConfig = ctx.topics.get(origin);
  if (topicConfig === undefined) throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `topic[${origin}] not exist, apply first please!`);
  if (!isWriteable(topicConfig.perm)) throw new BrokerError(ResponseCode.NO_PERMISSION, `the topic[${origin}] sending message is forbidden`);
  return topicConfig;
}

export async function resendDeadLetter(ctx: BrokerContext, header: ResendDeadLetterMessageRequestHeader): Promise<HandlerResult> {
  if (!isWriteable(ctx.config.brokerPermission)) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  const offset = offsetOf(ctx, header);
  const record = await ctx.store.lookMessageByOffset(offset);
  if (record === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `no message at CommitLog offset ${offset}`);
  if (!record.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) {
    throw new BrokerError(ResponseCode.INVALID_PARAMETER, `the message at ${offset} is in ${record.topic}, not in a dead-letter queue`);
  }
  const properties = decodeProperties(record.properties);
  const topicConfig = originalTopic(ctx, record, properties);
  for (const name of CLEARED_ON_RESEND) properties.delete(name);
  const queueId = randomQueueId(topicConfig.writeQueueNums);
  let sysFlag = withTransactionType(record.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
  sysFlag = topicConfig.topicFilterType === 'MULTI_TAG' ? sysFlag | MessageSysFlag.MULTI_TAGS_FLAG : sysFlag & ~MessageSysFlag.MULTI_TAGS_FLAG;
  const result = await ctx.store.putMessage({
    topic: topicConfig.topicName,
    queueId,
    flag: record.flag,
    body: record.body,
    properties: encodeProperties(properties),
    sysFlag,
    bornTimestamp: record.bornTimestamp,
    bornHost: record.bornHost,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(properties.get(MessageConst.TAGS)),
  });
  if (!('messages' in result)) return putResultToResponse(result, ctx.storeConfig.maxMessageSize);
  const stored = result.messages[0];
  if (stored === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'the store stored nothing');
  ctx.logger.info({ from: record.topic, offset, to: topicConfig.topicName, msgId: stored.msgId }, 'dead-lettered message re-sent');
  const extFields = SendMessageResponseHeader.encode({ msgId: stored.msgId, queueId, queueOffset: stored.queueOffset });
  return { ...putResultToResponse(result, ctx.storeConfig.maxMessageSize), extFields };
}
