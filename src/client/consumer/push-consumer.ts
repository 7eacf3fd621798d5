/**
 * push-consumer.ts: PushConsumer, RocketMQ's DefaultMQPushConsumer: subscribe(), onMessage(),
 * start(), shutdown(). Queues come from rebalancing (every rebalanceInterval and whenever a broker
 * says the group changed); each is pulled with long polling and its messages go to the listener
 * with at most consumeThreadMax calls at once. Clustering consumers also consume %RETRY%<group>,
 * where failed messages come back, and hand those to the listener under their original topic.
 *
 * shutdown() is graceful: no new pulls or listener calls, the running ones finish (bounded by
 * awaitTerminationMillisWhenShutdown, else consumeTimeout), offsets are committed and waited for,
 * the group is unregistered so the others take the queues over at once.
 *
 * Orderly consumption (`orderly: true` or onMessageOrderly) swaps in ConsumeMessageOrderlyService
 * and, for clustering, broker locks: a new queue is locked (LOCK_BATCH_MQ) before it is pulled, the
 * locks are renewed every 20 s, a queue whose lock was lost or expired is dropped (the next
 * rebalance takes it back with a fresh lock and the committed offset), and a queue given up waits
 * for its running batch, commits it and only then unlocks (UNLOCK_BATCH_MQ); shutdown commits,
 * then unlocks every queue.
 */
import { retryTopic, MessageConst } from '../../message/index.js';
import type { ConsumerData, QueueOffsetEntry, SubscriptionData } from '../../protocol/index.js';
import { CLIENT_INNER_PRODUCER_GROUP, ClientInstance, uniqueInstanceName, type ConsumerInner } from '../core/client-instance.js';
import { TimeoutSweep } from '../core/timeout-sweep.js';
import { illegalArgument } from '../errors.js';
import { Message, MessageQueue } from '../message.js';
import { withoutNamespace, wrapNamespace } from '../namespace.js';
import { LocalFileOffsetStore } from '../offset/local-file-offset-store.js';
import { ReadOffsetType, type OffsetStore } from '../offset/offset-store.js';
import { RemoteBrokerOffsetStore } from '../offset/remote-broker-offset-store.js';
import { validatePushConsumerOptions, type PushConsumerOptions, type PushConsumerOptionsResolved } from '../options.js';
import { SendPath } from '../producer/send-path.js';
import { prepareSend } from '../producer/send-request.js';
import { consumerAdminView } from './admin-view.js';
import { ConsumeMessageConcurrentlyService, type MessageListenerConcurrently } from './consume-concurrently.js';
import { consumeMessageDirectly, type DirectListener } from './consume-directly.js';
import { ConsumeMessageOrderlyService, type MessageListenerOrderly } from './consume-orderly.js';
import { REBALANCE_LOCK_INTERVAL_MS, type ProcessQueue } from './process-queue.js';
import { PullApi } from './pull-api.js';
import { PullMessageService, type PullRequest } from './pull-message-service.js';
import { computePullFromWhere, QueueAdmin } from './queue-admin.js';
import { QueueLocks } from './queue-locks.js';
import type { ReceivedMessage } from './received-message.js';
import { RebalanceImpl, type RebalanceHost } from './rebalance-impl.js';
import { buildSubscriptionData, SUB_ALL, type SubscriptionExpression } from './subscription.js';

type State = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

/** How long giving up an orderly queue waits for its running batch before trying again later (tryLock(500)), ms. */
const ORDERLY_REMOVE_WAIT_MS = 500;
/** A dropped orderly queue not locked for this long is unlocked even while a batch runs (UNLOCK_DELAY_TIME_MILLS), ms. */
const UNLOCK_DELAY_TIME_MILLS = 20_000;
/** The orderly default of maxReconsumeTimes -1 (Integer.MAX_VALUE). */
const ORDERLY_MAX_RECONSUME_TIMES = 2 ** 31 - 1;

export class PushConsumer {
  readonly options: PushConsumerOptionsResolved;
  private readonly group: string;
  private readonly instance: ClientInstance;
  private readonly rebalance: RebalanceImpl;
  private readonly offsetStore: OffsetStore;
  private readonly pullApi: PullApi;
  private readonly admin: QueueAdmin;
  private readonly pulls: PullMessageService;
  private readonly innerProducer: SendPath;
  private readonly sweep = new TimeoutSweep();
  private readonly locks: QueueLocks;
  private listener: MessageListenerConcurrently | undefined;
  private orderlyListener: MessageListenerOrderly | undefined;
  private consumeService: ConsumeMessageConcurrentlyService | undefined;
  private orderlyService: ConsumeMessageOrderlyService | undefined;
  private expiredTimer: NodeJS.Timeout | undefined;
  private lockTimer: NodeJS.Timeout | undefined;
  private rebalanceLaterTimer: NodeJS.Timeout | undefined;
  private state: State = 'CREATE_JUST';
  private readonly createdAt = Date.now();

  constructor(options: PushConsumerOptions) {
    this.options = validatePushConsumerOptions(options);
    const o = this.options;
    this.group = wrapNamespace(o.namespace, o.groupName);
    const instanceName = o.messageModel === 'CLUSTERING' ? uniqueInstanceName(o.instanceName) : o.instanceName;
    this.instance = new ClientInstance({ ...o, instanceName });
    this.offsetStore =
      o.messageModel === 'BROADCASTING'
        ? new LocalFileOffsetStore(o.offsetStoreDir, this.instance.clientId, this.group, o.logger)
        : new RemoteBrokerOffsetStore(this.instance, this.group);
    this.pullApi = new PullApi(this.instance, this.group);
    this.admin = new QueueAdmin(this.instance, o.mqClientApiTimeout);
    this.locks = new QueueLocks(this.instance, this.group);
    this.rebalance = new RebalanceImpl(this.rebalanceHost());
    this.pulls = new PullMessageService({
      options: o,
      logger: o.logger,
      pullApi: this.pullApi,
      offsetStore: this.offsetStore,
      consumeOrderly: () => this.consumeOrderly,
      subscription: (topic) => this.rebalance.subscriptions.get(topic),
      submitConsumeRequest: (messages, processQueue, queue) => (this.orderlyService ?? this.consumeService)?.submitConsumeRequest(messages, processQueue, queue),
      fixOffset: (request) => this.fixOffset(request),
    });
    const innerSettings = {
      producerGroup: CLIENT_INNER_PRODUCER_GROUP,
      namespace: '',
      createTopicKey: 'TBW102',
      defaultTopicQueueNums: 4,
      compressMsgBodyOverHowmuch: 4096,
      compressLevel: 5,
      maxMessageSize: 4 * 1024 * 1024,
      retryTimesWhenSendFailed: 2,
      retryAnotherBrokerWhenNotStoreOK: false,
      sendLatencyFaultEnable: false,
    };
    this.innerProducer = new SendPath(this.instance, innerSettings, this.sweep);
    this.instance.registerProducer(CLIENT_INNER_PRODUCER_GROUP, { publishTopics: () => [] });
    this.instance.registerConsumer(this.consumerInner());
  }

  get groupName(): string {
    return this.options.groupName;
  }

  get clientId(): string {
    return this.instance.clientId;
  }

  /** Subscribes to `topic`: "*", "TagA || TagB", or { type: 'SQL92', expression }. */
  subscribe(topic: string, expression: SubscriptionExpression = SUB_ALL): void {
    if (this.state === 'SHUTDOWN_ALREADY') throw illegalArgument('the consumer is shut down');
    const wire = wrapNamespace(this.options.namespace, topic);
    this.rebalance.subscriptions.set(wire, buildSubscriptionData(wire, expression));
    if (this.state === 'RUNNING') void this.refreshAfterSubscriptionChange();
  }

  unsubscribe(topic: string): void {
    this.rebalance.subscriptions.delete(wrapNamespace(this.options.namespace, topic));
    if (this.state === 'RUNNING') void this.refreshAfterSubscriptionChange();
  }

  /** True when this consumer consumes orderly (the `orderly` option, or onMessageOrderly). */
  get consumeOrderly(): boolean {
    return this.orderlyListener !== undefined;
  }

  /** Registers the listener, concurrent or, with `orderly: true`, orderly; call before start(). */
  onMessage(listener: MessageListenerConcurrently): void;
  onMessage(listener: MessageListenerOrderly): void;
  onMessage(listener: MessageListenerConcurrently | MessageListenerOrderly): void {
    if (this.options.orderly) return this.onMessageOrderly(listener as MessageListenerOrderly);
    this.checkListener(listener);
    this.listener = listener as MessageListenerConcurrently;
    this.orderlyListener = undefined;
  }

  /** Registers an orderly listener (MessageListenerOrderly), whatever the `orderly` option says; call before start(). */
  onMessageOrderly(listener: MessageListenerOrderly): void {
    this.checkListener(listener);
    this.orderlyListener = listener;
    this.listener = undefined;
  }

  private checkListener(listener: unknown): void {
    if (typeof listener !== 'function') throw illegalArgument('messageListener is not a function');
    if (this.state !== 'CREATE_JUST') throw illegalArgument('register the listener before start()');
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw illegalArgument(`The PushConsumer service state not OK, maybe started once, ${this.state}`);
    if (this.listener === undefined && this.orderlyListener === undefined) throw illegalArgument('messageListener is null: call onMessage() before start()');
    if (this.options.messageModel === 'CLUSTERING') this.rebalance.subscriptions.set(retryTopic(this.group), buildSubscriptionData(retryTopic(this.group), SUB_ALL));
    if (this.orderlyListener !== undefined) this.orderlyService = new ConsumeMessageOrderlyService(this.orderlyHost(), this.orderlyListener);
    if (this.listener !== undefined) this.consumeService = new ConsumeMessageConcurrentlyService(this.consumeHost(), this.listener);
    await this.offsetStore.load();
    this.instance.start();
    this.state = 'RUNNING';
    if (this.consumeService !== undefined) {
      const timeoutMs = this.options.consumeTimeout * 60_000;
      this.expiredTimer = setInterval(() => void this.consumeService?.cleanExpiredMessages(), timeoutMs);
    }
    if (this.needLocks()) this.lockTimer = setInterval(() => void this.lockAll(), REBALANCE_LOCK_INTERVAL_MS);
    await this.refreshAfterSubscriptionChange();
  }

  /** updateTopicSubscribeInfoWhenSubscriptionChanged, a heartbeat, then a rebalance. */
  private async refreshAfterSubscriptionChange(): Promise<void> {
    await Promise.all([...this.rebalance.subscriptions.keys()].map((topic) => this.instance.updateTopicRouteInfoFromNameServer(topic)));
    await this.instance.sendHeartbeatToAllBrokers();
    this.instance.rebalanceImmediately();
  }

  /** Resolves once the rebalance in progress (if any) has finished. For tests and tools. */
  async rebalanceSettled(): Promise<void> {
    await this.instance.rebalanceSettled();
  }

  /** The queues this client consumes now. */
  assignedQueues(): MessageQueue[] {
    return this.rebalance
      .entries()
      .filter((entry) => !entry.processQueue.dropped)
      .map((entry) => new MessageQueue(withoutNamespace(entry.queue.topic, this.options.namespace), entry.queue.brokerName, entry.queue.queueId));
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') {
      this.state = 'SHUTDOWN_ALREADY';
      return;
    }
    this.state = 'SHUTDOWN_ALREADY';
    this.pulls.stop();
    for (const timer of [this.expiredTimer, this.lockTimer, this.rebalanceLaterTimer]) clearTimeout(timer);
    const waitMs = this.options.awaitTerminationMillisWhenShutdown > 0 ? this.options.awaitTerminationMillisWhenShutdown : this.options.consumeTimeout * 60_000;
    await this.consumeService?.shutdown(waitMs);
    await this.orderlyService?.shutdown(waitMs);
    await this.persistConsumerOffset(true);
    // After the commit, so whoever locks a queue next starts where this client stopped.
    if (this.needLocks()) await this.unlockAll();
    await this.instance.shutdown();
    for (const entry of this.rebalance.entries()) entry.processQueue.dropped = true;
    this.sweep.clear();
  }

  private async persistConsumerOffset(wait = false): Promise<void> {
    const queues = this.rebalance.entries().map((entry) => entry.queue);
    await this.offsetStore.persistAll(queues, wait);
  }

  private consumerInner(): ConsumerInner {
    return {
      groupName: this.group,
      consumerData: (): ConsumerData => ({
        groupName: this.group,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: this.options.messageModel,
        consumeFromWhere: this.options.consumeFromWhere,
        subscriptionDataSet: [...this.rebalance.subscriptions.values()],
        unitMode: false,
      }),
      subscribedTopics: () => this.rebalance.subscriptions.keys(),
      doRebalance: async () => {
        if (this.state === 'RUNNING') await this.rebalance.doRebalance();
      },
      persistConsumerOffset: () => this.persistConsumerOffset(),
      resetOffset: (topic, offsets) => this.resetOffset(topic, offsets),
      consumeMessageDirectly: (record, brokerName) => consumeMessageDirectly(record, brokerName, this.consumeHost(), this.directListener()),
      adminView: () =>
        consumerAdminView({
          settings: this.options,
          consumeType: 'CONSUME_PASSIVELY',
          orderly: this.orderlyListener !== undefined,
          threads: this.options.consumeThreadMax,
          namesrvAddr: this.options.namesrvAddr,
          startedAt: this.createdAt,
          subscriptions: [...this.rebalance.subscriptions.values()],
          queues: this.rebalance.entries(),
          readOffset: (queue) => this.offsetStore.readOffset(queue, ReadOffsetType.READ_FROM_MEMORY),
        }),
    };
  }

  /** The listener CONSUME_MESSAGE_DIRECTLY hands a message to (consume-directly.ts). */
  private directListener(): DirectListener {
    if (this.orderlyListener !== undefined) return { orderly: true, listener: this.orderlyListener };
    if (this.listener !== undefined) return { orderly: false, listener: this.listener };
    throw illegalArgument('messageListener is null: call onMessage() before start()');
  }

  private rebalanceHost(): RebalanceHost {
    return {
      groupName: this.group,
      messageModel: this.options.messageModel,
      strategy: this.options.allocateMessageQueueStrategy,
      clientId: this.instance.clientId,
      logger: this.options.logger,
      subscribeInfo: (topic) => this.instance.routes.subscribeInfo(topic),
      findConsumerIdList: (topic, group) => this.instance.findConsumerIdList(topic, group),
      removeUnnecessaryMessageQueue: async (queue, processQueue) => {
        if (this.needLocks()) return this.removeOrderlyQueue(queue, processQueue);
        await this.offsetStore.persist(queue);
        this.offsetStore.removeOffset(queue);
        this.pullApi.forget(queue);
        return true;
      },
      lockQueues: async (queues) => (this.needLocks() ? this.locks.lock(queues) : new Set(queues.map((queue) => queue.key))),
      rebalanceLater: (delayMs) => this.rebalanceLater(delayMs),
      computePullFromWhere: (queue) =>
        computePullFromWhere({ consumeFromWhere: this.options.consumeFromWhere, consumeTimestamp: Number(this.options.consumeTimestamp) }, this.offsetStore, queue, this.admin),
      dispatchPullRequest: (queue, processQueue, nextOffset) => this.pulls.executePullRequestImmediately({ queue, processQueue, nextOffset }),
    };
  }

  /** What the concurrent and the orderly consume services both take from the consumer. */
  private sharedHost() {
    return {
      retryTopic: retryTopic(this.group),
      messageModel: this.options.messageModel,
      logger: this.options.logger,
      consumeThreadMax: this.options.consumeThreadMax,
      consumeMessageBatchMaxSize: this.options.consumeMessageBatchMaxSize,
      userTopic: (topic: string) => withoutNamespace(topic, this.options.namespace),
    };
  }

  private consumeHost(): ConstructorParameters<typeof ConsumeMessageConcurrentlyService>[0] {
    return {
      ...this.sharedHost(),
      consumeTimeoutMs: this.options.consumeTimeout * 60_000,
      sendMessageBack: (message, delayLevel) => this.sendMessageBack(message, delayLevel),
      updateOffset: (queue, offset) => this.offsetStore.updateOffset(queue, offset, true),
      processQueues: () => this.rebalance.entries(),
    };
  }

  private orderlyHost(): ConstructorParameters<typeof ConsumeMessageOrderlyService>[0] {
    return {
      ...this.sharedHost(),
      suspendCurrentQueueTimeMillis: this.options.suspendCurrentQueueTimeMillis,
      maxReconsumeTimes: this.maxReconsumeTimes(),
      // Delay level -1: the broker stores it in %DLQ%<group> at once, as Java's orderly send-back ends.
      sendToDeadLetter: (message) => this.sendMessageBack(message, -1),
      updateOffset: (queue, offset) => this.offsetStore.updateOffset(queue, offset, false),
      lockLost: (queue, processQueue) => void this.dropLockLostQueue(queue, processQueue),
    };
  }

  private maxReconsumeTimes(): number {
    if (this.options.maxReconsumeTimes !== -1) return this.options.maxReconsumeTimes;
    return this.consumeOrderly ? ORDERLY_MAX_RECONSUME_TIMES : 16;
  }

  /** Clustering orderly consumption: queues are locked on their brokers. */
  private needLocks(): boolean {
    return this.consumeOrderly && this.options.messageModel === 'CLUSTERING';
  }

  /** rebalanceLater: one more rebalance after `delayMs` (at most one pending). */
  private rebalanceLater(delayMs: number): void {
    if (this.rebalanceLaterTimer !== undefined || this.state !== 'RUNNING') return;
    this.rebalanceLaterTimer = setTimeout(() => {
      this.rebalanceLaterTimer = undefined;
      this.instance.rebalanceImmediately();
    }, delayMs);
  }

  /**
   * lockAll: renews the locks of every queue held; a queue its broker refused to lock for us is
   * dropped. A broker that did not answer changes nothing: its locks run out (lockExpired) instead.
   */
  private async lockAll(): Promise<void> {
    const entries = this.rebalance.entries().filter((entry) => !entry.processQueue.dropped);
    if (this.state !== 'RUNNING' || entries.length === 0) return;
    const { locked, unanswered } = await this.locks.tryLock(entries.map((entry) => entry.queue));
    const now = Date.now();
    for (const { queue, processQueue } of entries) {
      if (unanswered.has(queue.key)) continue;
      if (locked.has(queue.key)) {
        processQueue.locked = true;
        processQueue.lastLockTimestamp = now;
      } else if (processQueue.locked) {
        processQueue.locked = false;
        this.options.logger.warn({ group: this.group, queue: queue.toString() }, 'the message queue locked Failed');
        await this.dropLockLostQueue(queue, processQueue);
      }
    }
  }

  /** A queue whose lock was lost or expired: no more consumption; a later rebalance locks it again. */
  private async dropLockLostQueue(queue: MessageQueue, processQueue: ProcessQueue): Promise<void> {
    if (this.rebalance.processQueueTable.get(queue.key)?.processQueue !== processQueue) return;
    this.rebalance.removeProcessQueue(queue);
    processQueue.locked = false;
    await this.offsetStore.persist(queue);
    this.offsetStore.removeOffset(queue);
    this.pullApi.forget(queue);
    this.rebalanceLater(500);
  }

  /**
   * tryRemoveOrderMessageQueue: waits for the queue's running batch (a while; else the next
   * rebalance tries again), commits what was consumed, then gives the broker lock back.
   */
  private async removeOrderlyQueue(queue: MessageQueue, processQueue: ProcessQueue): Promise<boolean> {
    const service = this.orderlyService;
    const forceUnlock = Date.now() > processQueue.lastLockTimestamp + UNLOCK_DELAY_TIME_MILLS;
    if (service !== undefined && !forceUnlock && !(await service.whenIdle(processQueue, ORDERLY_REMOVE_WAIT_MS))) {
      this.rebalanceLater(ORDERLY_REMOVE_WAIT_MS);
      return false;
    }
    const finished = service?.takeDroppedCommit(processQueue) ?? -1;
    if (finished >= 0 && processQueue.locked) this.offsetStore.updateOffset(queue, finished, false);
    await this.offsetStore.persist(queue);
    this.offsetStore.removeOffset(queue);
    this.pullApi.forget(queue);
    if (processQueue.locked) await this.locks.unlock([queue], true);
    processQueue.locked = false;
    return true;
  }

  /** unlockAll at shutdown, waiting for the brokers' answers. */
  private async unlockAll(): Promise<void> {
    const held = this.rebalance.entries().filter((entry) => entry.processQueue.locked);
    await this.locks.unlock(
      held.map((entry) => entry.queue),
      false,
    );
    for (const entry of held) entry.processQueue.locked = false;
  }

  /** CONSUMER_SEND_MSG_BACK to the message's broker; if that fails, a send to %RETRY%<group> (Java's fallback). */
  private async sendMessageBack(message: ReceivedMessage, delayLevel: number): Promise<void> {
    const topic = wrapNamespace(this.options.namespace, message.topic);
    const address = this.instance.routes.masterAddress(message.brokerName) ?? message.storeHost;
    try {
      const back = { commitLogOffset: message.commitLogOffset, msgId: message.msgId, topic };
      await this.instance.api.consumerSendMessageBack(address, message.brokerName, back, this.group, delayLevel, this.maxReconsumeTimes());
    } catch (error) {
      this.options.logger.warn({ err: error, msgId: message.msgId }, 'consumerSendMessageBack failed; sending to the retry topic instead');
      await this.sendMessageBackAsNormalMessage(message, topic);
    }
  }

  private async sendMessageBackAsNormalMessage(message: ReceivedMessage, topic: string): Promise<void> {
    const retry = new Message({ topic: retryTopic(this.group), body: message.body, flag: message.flag });
    retry.properties.clear();
    for (const [name, value] of Object.entries(message.properties)) retry.properties.set(name, value);
    retry.properties.set(MessageConst.ORIGIN_MESSAGE_ID, message.properties[MessageConst.ORIGIN_MESSAGE_ID] ?? message.msgId);
    retry.properties.set(MessageConst.RETRY_TOPIC, topic);
    retry.properties.set(MessageConst.RECONSUME_TIME, String(message.reconsumeTimes + 1));
    retry.properties.set(MessageConst.MAX_RECONSUME_TIMES, String(this.maxReconsumeTimes()));
    retry.properties.delete(MessageConst.TRANSACTION_PREPARED);
    retry.properties.set(MessageConst.DELAY_TIME_LEVEL, String(3 + message.reconsumeTimes));
    const settings = { producerGroup: CLIENT_INNER_PRODUCER_GROUP, namespace: '', createTopicKey: 'TBW102', defaultTopicQueueNums: 4 };
    const prepared = await prepareSend(retry, { ...settings, compressMsgBodyOverHowmuch: 4096, compressLevel: 5, maxMessageSize: 4 * 1024 * 1024 });
    await this.innerProducer.sendWithin(3000, { kind: 'default' }, prepared);
  }

  /** OFFSET_ILLEGAL: commit the broker's offset, drop the queue, rebalance to add it back there. */
  private async fixOffset(request: PullRequest): Promise<void> {
    this.offsetStore.updateOffset(request.queue, request.nextOffset, false);
    await this.offsetStore.persist(request.queue);
    this.rebalance.removeProcessQueue(request.queue);
    this.offsetStore.removeOffset(request.queue);
    this.instance.rebalanceImmediately();
  }

  /** RESET_CONSUMER_CLIENT_OFFSET: the topic's queues restart at the given offsets. */
  private async resetOffset(topic: string, offsets: readonly QueueOffsetEntry[]): Promise<void> {
    const wanted = new Map(offsets.map(({ queue, offset }) => [MessageQueue.from(queue).key, offset]));
    for (const entry of this.rebalance.entries()) {
      const offset = wanted.get(entry.queue.key);
      if (entry.queue.topic !== topic || offset === undefined) continue;
      this.rebalance.removeProcessQueue(entry.queue);
      entry.processQueue.clear();
      this.offsetStore.updateOffset(entry.queue, offset, false);
      await this.offsetStore.persist(entry.queue);
      this.offsetStore.removeOffset(entry.queue);
    }
    this.instance.rebalanceImmediately();
  }

  /** The subscription of a topic (as on the wire), for tests and tools. */
  subscription(topic: string): SubscriptionData | undefined {
    return this.rebalance.subscriptions.get(wrapNamespace(this.options.namespace, topic));
  }

  /** The process queue of an assigned queue, for tests and tools. */
  processQueue(queue: MessageQueue): ProcessQueue | undefined {
    return this.rebalance.processQueueTable.get(MessageQueue.from({ ...queue, topic: wrapNamespace(this.options.namespace, queue.topic) }).key)?.processQueue;
  }
}
