/**
 * rebalance-impl.ts: which queues this client consumes (RebalanceImpl.java), for push and lite-pull
 * consumers alike. Per subscribed topic: broadcasting takes every queue; clustering asks a broker
 * for the group's client ids and lets the allocate strategy pick, both lists sorted so every
 * client computes the same split. Queues no longer ours are dropped (their offsets persisted
 * first, by the host); new ones start at computePullFromWhere's offset.
 *
 * The host decides what "start" and "drop" mean (a pull loop, a lite-pull task); an orderly push
 * consumer locks new queues on the broker before adding them (needLockMq: lockQueues) and keeps a
 * queue it could not lock for a later rebalance (rebalanceLater, 500 ms as Java). A dropped queue
 * whose removal was refused (an orderly batch still running) stays in the table until a later
 * rebalance removes it, also when the queue is ours again.
 * Invariant: the process queue table holds a queue at most once, and a dropped ProcessQueue is
 * never re-used: a queue that comes back gets a fresh one.
 */
import type { SubscriptionData } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { isRetryTopic } from '../../message/index.js';
import { MessageQueue } from '../message.js';
import type { MessageModel } from '../options.js';
import type { AllocateMessageQueueStrategy } from '../rebalance/allocate.js';
import { ProcessQueue } from './process-queue.js';

export interface RebalanceHost {
  readonly groupName: string;
  readonly messageModel: MessageModel;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly clientId: string;
  readonly logger: Logger;
  /** Queues of `topic` from its route; undefined when the route is unknown. */
  subscribeInfo(topic: string): MessageQueue[] | undefined;
  findConsumerIdList(topic: string, group: string): Promise<string[] | undefined>;
  /** Called for a queue we lose, after its ProcessQueue is marked dropped; true when it may go. */
  removeUnnecessaryMessageQueue(queue: MessageQueue, processQueue: ProcessQueue): Promise<boolean>;
  /** Where a new queue starts; throws to leave it for the next rebalance. */
  computePullFromWhere(queue: MessageQueue): Promise<number>;
  /** A queue was added: start consuming it at `nextOffset`. */
  dispatchPullRequest(queue: MessageQueue, processQueue: ProcessQueue, nextOffset: number): void;
  /** needLockMq: locks these new queues on their brokers; the keys of those locked. */
  lockQueues?(queues: readonly MessageQueue[]): Promise<Set<string>>;
  /** Some work is left for a later rebalance (a queue not locked). */
  rebalanceLater?(delayMs: number): void;
  /** The queues of `topic` changed (MessageQueueListener). */
  messageQueueChanged?(topic: string, all: readonly MessageQueue[], mine: readonly MessageQueue[]): void;
}

/** Delay of the rebalance that retries queues it could not lock (rebalanceLater(500)), ms. */
const REBALANCE_LATER_MS = 500;

export interface QueueEntry {
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
}

export class RebalanceImpl {
  readonly subscriptions = new Map<string, SubscriptionData>();
  readonly processQueueTable = new Map<string, QueueEntry>();

  constructor(private readonly host: RebalanceHost) {}

  /** One rebalance of every subscribed topic; true when every topic is balanced. */
  async doRebalance(): Promise<boolean> {
    let balanced = true;
    for (const topic of [...this.subscriptions.keys()]) {
      try {
        if (!(await this.rebalanceByTopic(topic))) balanced = false;
      } catch (error) {
        if (!isRetryTopic(topic)) this.host.logger.warn({ err: error, topic }, 'rebalance failed');
        balanced = false;
      }
    }
    await this.truncateMessageQueueNotMyTopic();
    return balanced;
  }

  private async rebalanceByTopic(topic: string): Promise<boolean> {
    const all = this.host.subscribeInfo(topic);
    if (all === undefined) {
      if (!isRetryTopic(topic)) this.host.logger.warn({ group: this.host.groupName, topic }, 'doRebalance: the topic has no route');
      return false;
    }
    let mine: MessageQueue[];
    if (this.host.messageModel === 'BROADCASTING') {
      mine = all;
    } else {
      const cidAll = await this.host.findConsumerIdList(topic, this.host.groupName);
      if (cidAll === undefined || cidAll.length === 0 || all.length === 0) return false;
      const sortedQueues = [...all].sort(MessageQueue.compare);
      const sortedIds = [...cidAll].sort();
      try {
        mine = this.host.strategy.allocate(this.host.groupName, this.host.clientId, sortedQueues, sortedIds);
      } catch (error) {
        this.host.logger.error({ err: error, strategy: this.host.strategy.name }, 'allocate message queue exception');
        return false;
      }
    }
    const changed = await this.updateProcessQueueTableInRebalance(topic, mine);
    if (changed) {
      this.host.logger.info({ group: this.host.groupName, topic, queues: mine.map(String) }, 'rebalance result changed');
      this.host.messageQueueChanged?.(topic, all, mine);
    }
    return this.workingQueues(topic).length === mine.length;
  }

  private workingQueues(topic: string): MessageQueue[] {
    return [...this.processQueueTable.values()].filter((entry) => entry.queue.topic === topic && !entry.processQueue.dropped).map((entry) => entry.queue);
  }

  private async updateProcessQueueTableInRebalance(topic: string, mine: readonly MessageQueue[]): Promise<boolean> {
    const wanted = new Map(mine.map((queue) => [queue.key, queue]));
    let changed = false;
    for (const [key, entry] of [...this.processQueueTable]) {
      if (entry.queue.topic !== topic) continue;
      const lost = !wanted.has(key) || entry.processQueue.dropped;
      if (!lost && !entry.processQueue.isPullExpired()) continue;
      if (!lost) this.host.logger.error({ queue: entry.queue.toString() }, 'pull paused too long; rebuilding the queue');
      entry.processQueue.dropped = true;
      if (await this.host.removeUnnecessaryMessageQueue(entry.queue, entry.processQueue)) {
        this.processQueueTable.delete(key);
        changed = true;
      }
    }
    let added = mine.filter((queue) => !this.processQueueTable.has(queue.key));
    if (this.host.lockQueues !== undefined && added.length > 0) {
      const locked = await this.host.lockQueues(added);
      const missed = added.filter((queue) => !locked.has(queue.key));
      if (missed.length > 0) {
        this.host.logger.warn({ group: this.host.groupName, queues: missed.map(String) }, 'doRebalance: add a new mq failed, because lock failed');
        this.host.rebalanceLater?.(REBALANCE_LATER_MS);
      }
      added = added.filter((queue) => locked.has(queue.key));
    }
    const lockedAt = Date.now();
    const starts = await Promise.all(
      added.map(async (queue) => {
        try {
          return { queue, offset: await this.host.computePullFromWhere(queue) };
        } catch (error) {
          this.host.logger.warn({ err: error, queue: queue.toString() }, 'doRebalance: add new mq failed');
          return undefined;
        }
      }),
    );
    for (const start of starts) {
      if (start === undefined || start.offset < 0 || this.processQueueTable.has(start.queue.key)) continue;
      const processQueue = new ProcessQueue();
      processQueue.locked = this.host.lockQueues !== undefined;
      processQueue.lastLockTimestamp = lockedAt;
      this.processQueueTable.set(start.queue.key, { queue: start.queue, processQueue });
      this.host.dispatchPullRequest(start.queue, processQueue, start.offset);
      changed = true;
    }
    return changed;
  }

  /** Drops the queues of topics no longer subscribed. */
  private async truncateMessageQueueNotMyTopic(): Promise<void> {
    for (const [key, entry] of [...this.processQueueTable]) {
      if (this.subscriptions.has(entry.queue.topic)) continue;
      entry.processQueue.dropped = true;
      await this.host.removeUnnecessaryMessageQueue(entry.queue, entry.processQueue);
      this.processQueueTable.delete(key);
    }
  }

  /** Forgets a queue now (offset illegal, reset): the next rebalance adds it back with a fresh ProcessQueue. */
  removeProcessQueue(queue: MessageQueue): QueueEntry | undefined {
    const entry = this.processQueueTable.get(queue.key);
    if (entry === undefined) return undefined;
    entry.processQueue.dropped = true;
    this.processQueueTable.delete(queue.key);
    return entry;
  }

  /** Every queue held, dropped or not. */
  entries(): QueueEntry[] {
    return [...this.processQueueTable.values()];
  }
}
