/**
 * rebalance-lock-manager.ts: the queue locks orderly consumers take before consuming a queue
 * (RebalanceLockManager.java, LOCK_BATCH_MQ 41 / UNLOCK_BATCH_MQ 42). Per consumer group, a queue
 * (topic, brokerName, queueId) is locked by at most one client id at a time. A lock lives
 * rebalanceLockMaxLiveTime ms after it was last taken or renewed; after that any client of the
 * group may take it. Only the holder can unlock.
 *
 * As in Java, a closed connection does not release its client's locks: they expire. (An orderly
 * consumer that reconnects keeps its queues; one that died frees them within the live time.)
 *
 * Invariants: a lock is held by one client id; the table holds at most LOCK_ENTRIES_MAX entries
 * (expired ones are swept before a new lock is refused). Must not: know about connections.
 */
import { messageQueueKey, type MessageQueue } from '../../protocol/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';

/** Most queue locks held over all groups; clients can name any queue, so the table needs a bound. */
export const LOCK_ENTRIES_MAX = 1_000_000;

interface LockEntry {
  clientId: string;
  lastUpdateTimestamp: number;
}

export class RebalanceLockManager {
  /** group → queue key → lock. */
  private readonly groups = new Map<string, Map<string, LockEntry>>();
  private entries = 0;

  constructor(
    private readonly clock: Clock,
    private readonly liveTimeMs: number,
    private readonly logger: Logger,
  ) {}

  /** True when the group holds no live lock (Java routes an orderly group's retries to the DLQ). */
  isLockAllExpired(group: string): boolean {
    const locks = this.groups.get(group);
    if (locks === undefined) return true;
    const now = this.clock.now();
    for (const entry of locks.values()) if (!this.isExpired(entry, now)) return false;
    return true;
  }

  /** Locks (or renews) what it can of `queues` for `clientId`; returns the queues it now holds. */
  tryLockBatch(group: string, queues: readonly MessageQueue[], clientId: string): MessageQueue[] {
    const now = this.clock.now();
    let locks = this.groups.get(group);
    const locked: MessageQueue[] = [];
    for (const queue of queues) {
      const key = messageQueueKey(queue);
      const entry = locks?.get(key);
      if (entry === undefined) {
        if (!this.roomForOne(group, queue, clientId)) continue;
        if (locks === undefined) {
          locks = new Map();
          this.groups.set(group, locks);
        }
        locks.set(key, { clientId, lastUpdateTimestamp: now });
        this.entries++;
        locked.push(queue);
      } else if (entry.clientId === clientId || this.isExpired(entry, now)) {
        if (entry.clientId !== clientId) {
          this.logger.warn({ group, queue, previous: entry.clientId, client: clientId }, 'took over an expired queue lock');
        }
        entry.clientId = clientId;
        entry.lastUpdateTimestamp = now;
        locked.push(queue);
      }
    }
    return locked;
  }

  /** Releases the queues `clientId` holds; locks of other clients stay. */
  unlockBatch(group: string, queues: readonly MessageQueue[], clientId: string): void {
    const locks = this.groups.get(group);
    if (locks === undefined) return;
    for (const queue of queues) {
      const key = messageQueueKey(queue);
      const entry = locks.get(key);
      if (entry === undefined) continue;
      if (entry.clientId !== clientId) {
        this.logger.warn({ group, queue, holder: entry.clientId, client: clientId }, 'unlock of a queue locked by another client ignored');
        continue;
      }
      locks.delete(key);
      this.entries--;
    }
    if (locks.size === 0) this.groups.delete(group);
  }

  /** The client holding a live lock on `queue`, if any (admin and tests). */
  holder(group: string, queue: MessageQueue): string | undefined {
    const entry = this.groups.get(group)?.get(messageQueueKey(queue));
    return entry !== undefined && !this.isExpired(entry, this.clock.now()) ? entry.clientId : undefined;
  }

  /** Drops expired locks; nothing observable changes (an expired lock is free either way). */
  sweep(): void {
    const now = this.clock.now();
    for (const [group, locks] of this.groups) {
      for (const [key, entry] of locks) {
        if (!this.isExpired(entry, now)) continue;
        locks.delete(key);
        this.entries--;
      }
      if (locks.size === 0) this.groups.delete(group);
    }
  }

  private roomForOne(group: string, queue: MessageQueue, clientId: string): boolean {
    if (this.entries < LOCK_ENTRIES_MAX) return true;
    this.sweep();
    if (this.entries < LOCK_ENTRIES_MAX) return true;
    this.logger.warn({ group, queue, client: clientId, max: LOCK_ENTRIES_MAX }, 'queue lock table full; lock refused');
    return false;
  }

  /** Java's LockEntry.isExpired: strictly more than the live time since the last renewal. */
  private isExpired(entry: LockEntry, now: number): boolean {
    return now - entry.lastUpdateTimestamp > this.liveTimeMs;
  }
}
