/**
 * pull-consumer.ts: PullConsumer, the one-shot pulls of RocketMQ's DefaultMQPullConsumer as its
 * tools use them (printMsg, queryMsgByOffset, consumeMessage): the readable queues of a topic, a
 * queue's min/max offset and the offset of a store time, and pull(queue, expression, offset, n),
 * which answers at once (no long polling) with the status, the next offset and the messages.
 *
 * Invariants: no background pulling, no rebalance, no committed offsets (the pull carries the
 * subscription itself, as Java's does, so the group needs no heartbeat); every call is one request.
 * Must not: register the group with brokers or keep timers; shutdown() closes the connections.
 */
import { ClientInstance, uniqueInstanceName } from '../core/client-instance.js';
import type { PullStatus } from '../core/client-api.js';
import { ClientErrorCode, illegalArgument, MQClientError } from '../errors.js';
import { MessageQueue, type MessageExt, type MessageQueueLike } from '../message.js';
import { validateLitePullConsumerOptions, type LitePullConsumerOptions, type LitePullConsumerOptionsResolved } from '../options.js';
import { buildPullSysFlag, PullApi } from './pull-api.js';
import { QueueAdmin } from './queue-admin.js';
import { buildSubscriptionData, type SubscriptionExpression } from './subscription.js';

/** Most messages one pull may ask for (Java's tools ask for 32). */
export const PULL_NUMS_MAX = 1024;

/** A pulled message with its stored size (MessageExt.storeSize). */
export interface PulledMessage extends MessageExt {
  readonly record: { readonly size: number };
}

export interface PullConsumerResult {
  readonly status: PullStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly messages: readonly PulledMessage[];
}

export type PullConsumerOptions = Pick<LitePullConsumerOptions, 'namesrvAddr' | 'groupName' | 'instanceName' | 'clientIP' | 'mqClientApiTimeout' | 'logger'>;

export class PullConsumer {
  readonly options: LitePullConsumerOptionsResolved;
  private readonly instance: ClientInstance;
  private readonly pullApi: PullApi;
  private readonly admin: QueueAdmin;
  private closed = false;

  constructor(options: PullConsumerOptions) {
    this.options = validateLitePullConsumerOptions(options);
    this.instance = new ClientInstance({ ...this.options, instanceName: uniqueInstanceName(this.options.instanceName) });
    this.pullApi = new PullApi(this.instance, this.options.groupName);
    this.admin = new QueueAdmin(this.instance, this.options.mqClientApiTimeout);
  }

  private check(): void {
    if (this.closed) throw illegalArgument('The PullConsumer is shut down');
  }

  /** The readable queues of a topic (fetchSubscribeMessageQueues), sorted as Java's tools list them. */
  async fetchSubscribeMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.check();
    await this.instance.updateTopicRouteInfoFromNameServer(topic);
    const queues = this.instance.routes.subscribeInfo(topic);
    if (queues === undefined || queues.length === 0) {
      throw new MQClientError(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, `Can not find Message Queue for this topic, ${topic}`);
    }
    return [...queues].sort(MessageQueue.compare);
  }

  async minOffset(queue: MessageQueueLike): Promise<number> {
    this.check();
    return this.admin.minOffset(MessageQueue.from(queue));
  }

  async maxOffset(queue: MessageQueueLike): Promise<number> {
    this.check();
    return this.admin.maxOffset(MessageQueue.from(queue));
  }

  /** The offset of the first message stored at or after `timestamp` (ms). */
  async searchOffset(queue: MessageQueueLike, timestamp: number): Promise<number> {
    this.check();
    return this.admin.searchOffset(MessageQueue.from(queue), timestamp);
  }

  /** One pull of up to `maxNums` messages from `offset`, filtered by `expression` ("*", "TagA || TagB"). */
  async pull(queue: MessageQueueLike, expression: SubscriptionExpression, offset: number, maxNums: number): Promise<PullConsumerResult> {
    this.check();
    if (!Number.isSafeInteger(offset) || offset < 0) throw illegalArgument(`offset ${offset} is not a queue offset`);
    if (!Number.isInteger(maxNums) || maxNums < 1 || maxNums > PULL_NUMS_MAX) throw illegalArgument(`maxNums ${maxNums} is not in 1..${PULL_NUMS_MAX}`);
    const mq = MessageQueue.from(queue);
    const subscription = buildSubscriptionData(mq.topic, expression, 0);
    const result = await this.pullApi.pull(mq, subscription, {
      offset,
      maxNums,
      sysFlag: buildPullSysFlag(false, false, true),
      commitOffset: 0,
      suspendTimeoutMillis: 0,
      timeoutMs: this.options.mqClientApiTimeout,
      withSubscription: true,
    });
    return { status: result.status, nextBeginOffset: result.nextBeginOffset, minOffset: result.minOffset, maxOffset: result.maxOffset, messages: result.messages };
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.instance.shutdown();
  }
}
