/**
 * message-check.ts: what every send must pass before it is stored (AbstractSendMessageProcessor
 * .msgCheck): the broker takes writes, the topic name is valid and not a system topic closed to
 * clients, the topic exists or may be created from its template, and the queue id is in range.
 */
import { isRetryTopic } from '../../message/index.js';
import { isWriteable, PermName, ResponseCode, type SendMessageRequestHeader, type TopicConfig } from '../../protocol/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { NOT_ALLOWED_SEND_TOPICS, validateTopic } from '../topic/topic-validator.js';
import { TIMER_TOPIC } from '../timer/timer-const.js';

/** Returns the topic's config (created if it may be) or throws the BrokerError Java answers. */
export function checkSend(ctx: BrokerContext, header: SendMessageRequestHeader, producer: string): TopicConfig {
  if (!isWriteable(ctx.config.brokerPermission)) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending message is forbidden`);
  }
  const problem = validateTopic(header.topic);
  if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
  // Only the broker writes the timer's queue (Java lets clients in; a forged message there would be delivered anywhere).
  if (NOT_ALLOWED_SEND_TOPICS.has(header.topic) || header.topic === TIMER_TOPIC) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `Sending message to topic[${header.topic}] is forbidden.`);
  }
  let topicConfig = ctx.topics.get(header.topic);
  if (topicConfig === undefined) {
    ctx.logger.warn({ topic: header.topic, producer }, 'the topic does not exist');
    topicConfig =
      ctx.topics.createInSendMessage(header.topic, header.defaultTopic, producer, header.defaultTopicQueueNums, 0) ??
      (isRetryTopic(header.topic) ? ctx.topics.createInSendMessageBack(header.topic, 1, PermName.READ | PermName.WRITE, 0) : undefined);
    if (topicConfig === undefined) {
      throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
    }
  }
  const queueLimit = Math.max(topicConfig.writeQueueNums, topicConfig.readQueueNums);
  if (header.queueId >= queueLimit) {
    throw new BrokerError(
      ResponseCode.INVALID_PARAMETER,
      `request queueId[${header.queueId}] is illegal, topic:[${header.topic}] readQueueNums:[${topicConfig.readQueueNums}] writeQueueNums:[${topicConfig.writeQueueNums}] Producer: ${producer}`,
    );
  }
  return topicConfig;
}

/** A queue id for a send that asked for any (queueId < 0). */
export function randomQueueId(writeQueueNums: number): number {
  return Math.floor(Math.random() * Math.max(1, writeQueueNums));
}
