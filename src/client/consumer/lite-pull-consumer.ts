/**
 * lite-pull-consumer.ts: LitePullConsumer, RocketMQ's DefaultLitePullConsumer: the application
 * asks for messages with poll(timeoutMs) or `for await (const message of consumer)`. Queues come
 * from subscribe() (the group rebalances them as a push consumer's) or assign() (fixed); each is
 * pulled in the background with long polling into a bounded cache. seek*() moves a queue; commit()
 * stores what poll() returned, and autoCommit does so every autoCommitIntervalMillis on poll(), as
 * Java. Subscribe and assign are mutually exclusive.
 *
 * Pulls are LITE_PULL_MESSAGE (361) with the LITE_PULL sysFlag, as DefaultLitePullConsumer sends
 * them (pullSyncImpl: suspend, subscription, lite pull; no commit offset).
 */
import { PullSysFlag, type ConsumerData, type QueueOffsetEntry } from '../../protocol/index.js';
import { ClientInstance, uniqueInstanceName, type ConsumerInner } from '../core/client-instance.js';
import { illegalArgument, MQClientError, ClientErrorCode } from '../errors.js';
import { MessageQueue, type MessageExt, type MessageQueueLike } from '../message.js';
import { withoutNamespace, wrapNamespace } from '../namespace.js';
import { LocalFileOffsetStore } from '../offset/local-file-offset-store.js';
import { ReadOffsetType, type OffsetStore } from '../offset/offset-store.js';
import { RemoteBrokerOffsetStore } from '../offset/remote-broker-offset-store.js';
import { validateLitePullConsumerOptions, type LitePullConsumerOptions, type LitePullConsumerOptionsResolved } from '../options.js';
import { consumerAdminView } from './admin-view.js';
import { AssignedQueues, ConsumeRequestCache, type AssignedQueue } from './lite-pull-queues.js';
import type { ProcessQueue } from './process-queue.js';
import { PullApi } from './pull-api.js';
import { computePullFromWhere, QueueAdmin } from './queue-admin.js';
import { RebalanceImpl } from './rebalance-impl.js';
import { buildSubscriptionData, SUB_ALL, type SubscriptionExpression } from './subscription.js';

const MiB = 1024 * 1024;
const PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50;

type State = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

interface PullTask {
  cancelled: boolean;
}

export class LitePullConsumer implements AsyncIterable<MessageExt> {
  readonly options: LitePullConsumerOptionsResolved;
  private readonly group: string;
  private readonly instance: ClientInstance;
  private readonly rebalance: RebalanceImpl;
  private readonly offsetStore: OffsetStore;
  private readonly pullApi: PullApi;
  private readonly admin: QueueAdmin;
  private readonly assigned = new AssignedQueues();
  private readonly cache = new ConsumeRequestCache();
  private readonly tasks = new Map<string, PullTask>();
  private readonly sleeps = new Set<{ timer: NodeJS.Timeout; wake: () => void }>();
  private mode: 'NONE' | 'SUBSCRIBE' | 'ASSIGN' = 'NONE';
  private nextAutoCommitDeadline = 0;
  private state: State = 'CREATE_JUST';
  private readonly createdAt = Date.now();

  constructor(options: LitePullConsumerOptions) {
    this.options = validateLitePullConsumerOptions(options);
    const o = this.options;
    this.group = wrapNamespace(o.namespace, o.groupName);
    this.instance = new ClientInstance({ ...o, instanceName: o.messageModel === 'CLUSTERING' ? uniqueInstanceName(o.instanceName) : o.instanceName });
    this.offsetStore =
      o.messageModel === 'BROADCASTING'
        ? new LocalFileOffsetStore(o.offsetStoreDir, this.instance.clientId, this.group, o.logger)
        : new RemoteBrokerOffsetStore(this.instance, this.group);
    this.pullApi = new PullApi(this.instance, this.group);
    this.admin = new QueueAdmin(this.instance, o.mqClientApiTimeout);
    this.rebalance = new RebalanceImpl({
      groupName: this.group,
      messageModel: o.messageModel,
      strategy: o.allocateMessageQueueStrategy,
      clientId: this.instance.clientId,
      logger: o.logger,
      subscribeInfo: (topic) => this.instance.routes.subscribeInfo(topic),
      findConsumerIdList: (topic, group) => this.instance.findConsumerIdList(topic, group),
      removeUnnecessaryMessageQueue: async (queue) => {
        await this.dropQueue(queue);
        return true;
      },
      computePullFromWhere: (queue) => this.computePullFromWhere(queue),
      dispatchPullRequest: (queue, processQueue, nextOffset) => this.startQueue(queue, processQueue, nextOffset),
    });
    this.instance.registerConsumer(this.consumerInner());
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  private wire(queue: MessageQueueLike): MessageQueue {
    return new MessageQueue(wrapNamespace(this.options.namespace, queue.topic), queue.brokerName, queue.queueId);
  }

  private user(queue: MessageQueue): MessageQueue {
    return new MessageQueue(withoutNamespace(queue.topic, this.options.namespace), queue.brokerName, queue.queueId);
  }

  subscribe(topic: string, expression: SubscriptionExpression = SUB_ALL): void {
    if (this.mode === 'ASSIGN') throw illegalArgument('Subscribe and assign are mutually exclusive.');
    this.mode = 'SUBSCRIBE';
    const wire = wrapNamespace(this.options.namespace, topic);
    this.rebalance.subscriptions.set(wire, buildSubscriptionData(wire, expression, 0));
    if (this.state === 'RUNNING') void this.refreshSubscriptions();
  }

  /** Consumes exactly these queues (no rebalance). */
  assign(queues: readonly MessageQueueLike[]): void {
    if (this.mode === 'SUBSCRIBE') throw illegalArgument('Subscribe and assign are mutually exclusive.');
    if (queues.length === 0) throw illegalArgument('Message queues can not be null or empty.');
    this.mode = 'ASSIGN';
    const wanted = new Map(queues.map((queue) => [this.wire(queue).key, this.wire(queue)]));
    for (const entry of this.assigned.all()) if (!wanted.has(entry.queue.key)) void this.dropQueue(entry.queue);
    for (const queue of wanted.values()) if (!this.assigned.has(queue)) this.assigned.add(queue);
    if (this.state === 'RUNNING') for (const entry of this.assigned.all()) this.startTask(entry.queue);
  }

  /** The queues this consumer holds now. */
  assignment(): MessageQueue[] {
    return this.assigned.all().map((entry) => this.user(entry.queue));
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw illegalArgument(`The LitePullConsumer service state not OK, maybe started once, ${this.state}`);
    await this.offsetStore.load();
    this.instance.start();
    this.state = 'RUNNING';
    this.nextAutoCommitDeadline = Date.now() + this.options.autoCommitIntervalMillis;
    if (this.mode === 'ASSIGN') for (const entry of this.assigned.all()) this.startTask(entry.queue);
    await this.refreshSubscriptions();
  }

  private async refreshSubscriptions(): Promise<void> {
    await Promise.all([...this.rebalance.subscriptions.keys()].map((topic) => this.instance.updateTopicRouteInfoFromNameServer(topic)));
    await this.instance.sendHeartbeatToAllBrokers();
    if (this.mode === 'SUBSCRIBE') this.instance.rebalanceImmediately();
  }

  /** Messages pulled since the last poll; waits up to `timeoutMs` when there are none yet. */
  async poll(timeoutMs = this.options.pollTimeoutMillis): Promise<MessageExt[]> {
    if (this.state !== 'RUNNING') throw illegalArgument(`The consumer is not running: ${this.state}`);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 0) throw illegalArgument('Timeout must not be negative');
    if (this.options.autoCommit && Date.now() >= this.nextAutoCommitDeadline) {
      this.commitToMemory();
      this.nextAutoCommitDeadline = Date.now() + this.options.autoCommitIntervalMillis;
    }
    const request = await this.cache.take(timeoutMs);
    if (request === undefined || request.processQueue.dropped) return [];
    const offset = request.processQueue.removeMessage(request.messages);
    const entry = this.assigned.get(request.queue);
    if (entry !== undefined && offset >= 0) entry.consumeOffset = offset;
    for (const message of request.messages) message.topic = withoutNamespace(message.topic, this.options.namespace);
    return request.messages;
  }

  /** Every message, one at a time, until shutdown(); each wait is one poll(). */
  async *[Symbol.asyncIterator](): AsyncGenerator<MessageExt> {
    while (this.state === 'RUNNING') {
      for (const message of await this.poll(this.options.pollTimeoutMillis)) yield message;
    }
  }

  private commitToMemory(): void {
    for (const entry of this.assigned.all()) {
      if (entry.consumeOffset >= 0 && !entry.processQueue.dropped) this.offsetStore.updateOffset(entry.queue, entry.consumeOffset, false);
    }
  }

  /** Commits what poll() has returned, waiting for the store (commitSync). */
  async commit(): Promise<void> {
    this.commitToMemory();
    await this.offsetStore.persistAll(this.assigned.all().map((entry) => entry.queue), true);
  }

  /** The committed offset of a queue (committed). */
  async committed(queue: MessageQueueLike): Promise<number> {
    const offset = await this.offsetStore.readOffset(this.wire(queue), ReadOffsetType.MEMORY_FIRST_THEN_STORE);
    if (offset === -2) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, 'Fetch consume offset from broker exception');
    return offset;
  }

  /** The next pulls of `queue` start at `offset` (between its min and max offsets). */
  async seek(queue: MessageQueueLike, offset: number): Promise<void> {
    const mq = this.wire(queue);
    const entry = this.assigned.get(mq);
    if (entry === undefined) throw illegalArgument(`The message queue is not in assigned list${this.mode === 'SUBSCRIBE' ? ', may be rebalancing' : ''}, message queue: ${mq.toString()}`);
    const [min, max] = await Promise.all([this.admin.minOffset(mq), this.admin.maxOffset(mq)]);
    if (!Number.isSafeInteger(offset) || offset < min || offset > max) {
      throw illegalArgument(`Seek offset illegal, seek offset = ${offset}, min offset = ${min}, max offset = ${max}`);
    }
    this.cache.removeQueue(mq);
    entry.processQueue.clear();
    this.cancelTask(mq);
    entry.seekOffset = offset;
    this.startTask(mq);
  }

  /** RESET_CONSUMER_CLIENT_OFFSET: held queues of the topic start again at the broker's offsets. */
  private async resetOffset(topic: string, offsets: readonly QueueOffsetEntry[]): Promise<void> {
    for (const { queue, offset } of offsets) {
      const mq = MessageQueue.from(queue);
      const entry = this.assigned.get(mq);
      if (mq.topic !== topic || entry === undefined) continue;
      this.cache.removeQueue(mq);
      entry.processQueue.clear();
      this.cancelTask(mq);
      entry.seekOffset = offset;
      entry.consumeOffset = offset;
      this.offsetStore.updateOffset(mq, offset, false);
      await this.offsetStore.persist(mq);
      this.startTask(mq);
    }
  }

  async seekToBegin(queue: MessageQueueLike): Promise<void> {
    await this.seek(queue, await this.admin.minOffset(this.wire(queue)));
  }

  async seekToEnd(queue: MessageQueueLike): Promise<void> {
    await this.seek(queue, await this.admin.maxOffset(this.wire(queue)));
  }

  /** The offset of the first message stored at or after `timestamp` (ms). */
  async offsetForTimestamp(queue: MessageQueueLike, timestamp: number): Promise<number> {
    return this.admin.searchOffset(this.wire(queue), timestamp);
  }

  async seekToTimestamp(queue: MessageQueueLike, timestamp: number): Promise<void> {
    await this.seek(queue, await this.offsetForTimestamp(queue, timestamp));
  }

  /** The readable queues of a topic (fetchMessageQueues). */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const wire = wrapNamespace(this.options.namespace, topic);
    await this.instance.updateTopicRouteInfoFromNameServer(wire);
    const queues = this.instance.routes.subscribeInfo(wire);
    if (queues === undefined) throw new MQClientError(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, `The topic[${topic}] not exist`);
    return queues.map((queue) => this.user(queue));
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') {
      this.state = 'SHUTDOWN_ALREADY';
      return;
    }
    if (this.options.autoCommit) this.commitToMemory();
    this.state = 'SHUTDOWN_ALREADY';
    for (const task of this.tasks.values()) task.cancelled = true;
    this.tasks.clear();
    for (const sleep of this.sleeps) {
      clearTimeout(sleep.timer);
      sleep.wake();
    }
    this.cache.close();
    await this.offsetStore.persistAll(this.assigned.all().map((entry) => entry.queue), true);
    await this.instance.shutdown();
    for (const entry of this.assigned.all()) entry.processQueue.dropped = true;
  }

  private consumerInner(): ConsumerInner {
    return {
      groupName: this.group,
      consumerData: (): ConsumerData => ({
        groupName: this.group,
        consumeType: 'CONSUME_ACTIVELY',
        messageModel: this.options.messageModel,
        consumeFromWhere: this.options.consumeFromWhere,
        subscriptionDataSet: [...this.rebalance.subscriptions.values()],
        unitMode: false,
      }),
      subscribedTopics: () => this.rebalance.subscriptions.keys(),
      doRebalance: async () => {
        if (this.state === 'RUNNING' && this.mode === 'SUBSCRIBE') await this.rebalance.doRebalance();
      },
      persistConsumerOffset: () => this.offsetStore.persistAll(this.assigned.all().map((entry) => entry.queue), false),
      resetOffset: (topic, offsets) => this.resetOffset(topic, offsets),
      adminView: () =>
        consumerAdminView({
          settings: this.options,
          consumeType: 'CONSUME_ACTIVELY',
          orderly: false,
          threads: this.assigned.all().length,
          namesrvAddr: this.options.namesrvAddr,
          startedAt: this.createdAt,
          subscriptions: [...this.rebalance.subscriptions.values()],
          queues: this.assigned.all(),
          readOffset: (queue) => this.offsetStore.readOffset(queue, ReadOffsetType.READ_FROM_MEMORY),
        }),
    };
  }

  private computePullFromWhere(queue: MessageQueue): Promise<number> {
    return computePullFromWhere({ consumeFromWhere: this.options.consumeFromWhere, consumeTimestamp: Number(this.options.consumeTimestamp) }, this.offsetStore, queue, this.admin);
  }

  /** A queue the rebalance gave us. */
  private startQueue(queue: MessageQueue, processQueue: ProcessQueue, nextOffset: number): void {
    this.assigned.add(queue, nextOffset, processQueue);
    this.startTask(queue);
  }

  /** A queue we lose: its consumed offset is committed, its cache dropped, its task stopped. */
  private async dropQueue(queue: MessageQueue): Promise<void> {
    const entry = this.assigned.remove(queue);
    this.cancelTask(queue);
    this.cache.removeQueue(queue);
    this.pullApi.forget(queue);
    if (entry !== undefined && entry.consumeOffset >= 0) this.offsetStore.updateOffset(queue, entry.consumeOffset, false);
    await this.offsetStore.persist(queue);
    this.offsetStore.removeOffset(queue);
  }

  private startTask(queue: MessageQueue): void {
    if (this.state !== 'RUNNING' || this.tasks.has(queue.key)) return;
    const task: PullTask = { cancelled: false };
    this.tasks.set(queue.key, task);
    void this.runTask(queue, task);
  }

  private cancelTask(queue: MessageQueue): void {
    const task = this.tasks.get(queue.key);
    if (task !== undefined) task.cancelled = true;
    this.tasks.delete(queue.key);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const sleep = { timer: setTimeout(() => wake(), ms), wake: (): void => undefined };
      const wake = (): void => {
        this.sleeps.delete(sleep);
        resolve();
      };
      sleep.wake = wake;
      this.sleeps.add(sleep);
    });
  }

  /** The pause this queue needs before its next pull (flow control), or 0. */
  private flowControlDelay(entry: AssignedQueue): number {
    const o = this.options;
    const pq = entry.processQueue;
    if (this.cache.size * o.pullBatchSize > o.pullThresholdForAll) return PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL;
    if (pq.msgCount > o.pullThresholdForQueue || pq.msgSize / MiB > o.pullThresholdSizeForQueue || pq.maxSpan() > o.consumeMaxSpan) return PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL;
    return 0;
  }

  private async nextPullOffset(entry: AssignedQueue): Promise<number> {
    if (entry.seekOffset >= 0) {
      const offset = entry.seekOffset;
      entry.consumeOffset = offset;
      entry.seekOffset = -1;
      entry.pullOffset = offset;
      return offset;
    }
    if (entry.pullOffset < 0) entry.pullOffset = await this.computePullFromWhere(entry.queue);
    return entry.pullOffset;
  }

  /** The pull loop of one queue (PullTaskImpl), until cancelled. */
  private async runTask(queue: MessageQueue, task: PullTask): Promise<void> {
    while (!task.cancelled && this.state === 'RUNNING') {
      const entry = this.assigned.get(queue);
      if (entry === undefined || entry.processQueue.dropped) return;
      entry.processQueue.lastPullTimestamp = Date.now();
      const pause = this.flowControlDelay(entry);
      if (pause > 0) {
        await this.sleep(pause);
        continue;
      }
      try {
        await this.pullOnce(queue, entry, task);
      } catch (error) {
        if (task.cancelled) return;
        this.options.logger.warn({ err: error, queue: queue.toString() }, 'lite pull failed');
        await this.sleep(this.options.pullTimeDelayMillsWhenException);
      }
    }
  }

  private async pullOnce(queue: MessageQueue, entry: AssignedQueue, task: PullTask): Promise<void> {
    const offset = await this.nextPullOffset(entry);
    const subscription = this.rebalance.subscriptions.get(queue.topic) ?? buildSubscriptionData(queue.topic, SUB_ALL, 0);
    const result = await this.pullApi.pull(queue, subscription, {
      offset,
      maxNums: this.options.pullBatchSize,
      // pullKernelImpl's overload without a size passes Integer.MAX_VALUE.
      maxBytes: 2 ** 31 - 1,
      sysFlag: PullSysFlag.SUSPEND | PullSysFlag.SUBSCRIPTION | PullSysFlag.LITE_PULL,
      commitOffset: 0,
      suspendTimeoutMillis: this.options.brokerSuspendMaxTimeMillis,
      timeoutMs: this.options.consumerTimeoutMillisWhenSuspend,
      withSubscription: true,
      subVersion: subscription.expressionType === 'TAG' ? 0 : subscription.subVersion,
    });
    if (task.cancelled || entry.processQueue.dropped) return;
    if (result.status === 'FOUND' && result.messages.length > 0 && entry.seekOffset < 0) {
      entry.processQueue.putMessage(result.messages);
      this.cache.put({ messages: result.messages, queue, processQueue: entry.processQueue });
    }
    if (result.status === 'OFFSET_ILLEGAL') this.options.logger.warn({ queue: queue.toString(), offset }, 'the pull request offset illegal');
    if (entry.seekOffset < 0) entry.pullOffset = result.nextBeginOffset;
  }
}
