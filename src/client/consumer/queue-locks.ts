/**
 * queue-locks.ts: an orderly consumer's broker locks on its queues (RebalanceImpl.lock, lockAll,
 * unlock, unlockAll): LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) to the master of each queue's
 * broker, one request per broker, with Java's 1 s timeout. A broker without a known master, or one
 * that fails, locks nothing (logged) and its queues are reported as unanswered, so a renewal can
 * tell "refused" from "not asked" (Java leaves a lock as it was when the request fails); nothing
 * here throws.
 */
import type { ClientInstance } from '../core/client-instance.js';
import { MessageQueue } from '../message.js';

/** Java's timeout of lock and unlock requests, ms. */
export const LOCK_REQUEST_TIMEOUT_MS = 1_000;

export class QueueLocks {
  constructor(
    private readonly instance: ClientInstance,
    private readonly group: string,
  ) {}

  private byBroker(queues: readonly MessageQueue[]): Map<string, MessageQueue[]> {
    const brokers = new Map<string, MessageQueue[]>();
    for (const queue of queues) {
      const list = brokers.get(queue.brokerName);
      if (list === undefined) brokers.set(queue.brokerName, [queue]);
      else list.push(queue);
    }
    return brokers;
  }

  private body(queues: readonly MessageQueue[]): { consumerGroup: string; clientId: string; onlyThisBroker: boolean; mqSet: MessageQueue[] } {
    return { consumerGroup: this.group, clientId: this.instance.clientId, onlyThisBroker: false, mqSet: [...queues] };
  }

  /** Locks (or renews) `queues`; returns the keys of those this client now holds. */
  async lock(queues: readonly MessageQueue[]): Promise<Set<string>> {
    return (await this.tryLock(queues)).locked;
  }

  /** Locks (or renews) `queues`: the keys locked, and those whose broker did not answer. */
  async tryLock(queues: readonly MessageQueue[]): Promise<{ locked: Set<string>; unanswered: Set<string> }> {
    const locked = new Set<string>();
    const unanswered = new Set<string>();
    await Promise.all(
      [...this.byBroker(queues)].map(async ([brokerName, list]) => {
        const address = this.instance.routes.masterAddress(brokerName);
        try {
          if (address === undefined) throw new Error(`no master of ${brokerName}`);
          const granted = await this.instance.api.lockBatchMQ(address, this.body(list), LOCK_REQUEST_TIMEOUT_MS);
          for (const queue of granted) locked.add(MessageQueue.from(queue).key);
        } catch (error) {
          this.instance.logger.warn({ err: error, broker: address ?? brokerName, group: this.group }, 'lockBatchMQ failed');
          for (const queue of list) unanswered.add(queue.key);
        }
      }),
    );
    return { locked, unanswered };
  }

  /** Gives the locks of `queues` back; `oneway` as Java's unlock after a rebalance, else waiting for the answer. */
  async unlock(queues: readonly MessageQueue[], oneway: boolean): Promise<void> {
    await Promise.all(
      [...this.byBroker(queues)].map(async ([brokerName, list]) => {
        const address = this.instance.routes.masterAddress(brokerName);
        if (address === undefined) return;
        try {
          await this.instance.api.unlockBatchMQ(address, this.body(list), LOCK_REQUEST_TIMEOUT_MS, oneway);
        } catch (error) {
          this.instance.logger.warn({ err: error, broker: address, group: this.group }, 'unlockBatchMQ failed');
        }
      }),
    );
  }
}
