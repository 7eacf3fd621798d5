/**
 * retry-policy.ts: the rules both ways of retrying a message share: a producer-style send to
 * %RETRY%<group> (SendMessageProcessor.handleRetryAndDLQ) and CONSUMER_SEND_MSG_BACK 36
 * (AbstractSendMessageProcessor.consumerSendMsgBack): the group must exist, how many times a
 * message may be re-consumed, and the group's dead-letter queue %DLQ%<group>.
 *
 * The DLQ has one queue and is readable and writable (Java creates it so too; older RocketMQ made
 * it write-only), so dead letters can be read and re-sent (resend-dead-letter.ts).
 * Must not: store anything.
 */
import { dlqTopic } from '../../message/index.js';
import { PermName, ResponseCode, type SubscriptionGroupConfig, type TopicConfig } from '../../protocol/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

/** MQVersion ordinal of V3_4_9, from which clients send maxReconsumeTimes. */
export const VERSION_MAX_RECONSUME_TIMES = 121;
export const DLQ_QUEUE_NUMS_PER_GROUP = 1;

/** The group's config (created when autoCreateSubscriptionGroup allows), or SUBSCRIPTION_GROUP_NOT_EXIST. */
export function retryGroup(ctx: BrokerContext, group: string): SubscriptionGroupConfig {
  const config = ctx.groups.findOrCreate(group);
  if (config === undefined) throw new BrokerError(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group not exist, ${group}`);
  return config;
}

/** The request's maxReconsumeTimes from V3_4_9 on when it has one, else the group's retryMaxTimes. */
export function maxReconsumeTimesOf(group: SubscriptionGroupConfig, version: number, requested: number | undefined): number {
  return version >= VERSION_MAX_RECONSUME_TIMES && requested !== undefined ? requested : group.retryMaxTimes;
}

/**
 * A group that holds a live queue lock consumes orderly: a retry it sends goes straight to the
 * DLQ, because an orderly message must not come back out of order (handleRetryAndDLQ).
 */
export function consumesOrderly(ctx: BrokerContext, group: string): boolean {
  return !ctx.locks.isLockAllExpired(group);
}

export interface DeadLetterQueue {
  readonly topic: string;
  readonly queueId: number;
  readonly topicConfig: TopicConfig;
}

/** %DLQ%<group>, created on first use with one readable and writable queue. */
export function deadLetterQueue(ctx: BrokerContext, group: string): DeadLetterQueue {
  const topic = dlqTopic(group);
  const topicConfig = ctx.topics.createInSendMessageBack(topic, DLQ_QUEUE_NUMS_PER_GROUP, PermName.READ | PermName.WRITE, 0);
  return { topic, queueId: 0, topicConfig };
}
