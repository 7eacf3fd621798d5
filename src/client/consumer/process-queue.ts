/**
 * process-queue.ts: the pulled-but-not-yet-consumed messages of one queue (ProcessQueue.java),
 * keyed by queue offset. It gives the flow-control numbers (count, bytes, offset span) and the
 * offset a consumer may commit: the smallest offset still being consumed, or one past the last
 * message pulled when nothing is left.
 *
 * Orderly consumption takes batches from the front (takeMessages) into a consuming list, then
 * either commits them (the offset after the batch) or puts them back to be consumed again; it also
 * keeps the broker lock's state (locked, lastLockTimestamp, lock expiry after 30 s).
 *
 * Invariant: held messages are kept in ascending offset order. Pulls of a queue are sequential, so
 * messages arrive in ascending order and go to the end of a ring (OffsetRing); an offset below
 * the last one (never seen in practice) is sorted into place.
 */
import { OffsetRing } from './offset-ring.js';
import type { ReceivedMessage } from './received-message.js';

/** A queue not pulled for this long is considered stuck and is rebuilt (rocketmq.client.pull.pullMaxIdleTime), ms. */
export const PULL_MAX_IDLE_TIME_MS = 120_000;
/** A queue lock not renewed for this long is no longer trusted (rocketmq.client.rebalance.lockMaxLiveTime), ms. */
export const REBALANCE_LOCK_MAX_LIVE_TIME_MS = 30_000;
/** Interval between renewals of an orderly consumer's queue locks (rocketmq.client.rebalance.lockInterval), ms. */
export const REBALANCE_LOCK_INTERVAL_MS = 20_000;

export class ProcessQueue {
  private readonly messages = new OffsetRing<ReceivedMessage>();
  private queueOffsetMax = 0;
  private bytes = 0;
  /** Orderly consumption: the batch taken by takeMessages and not yet committed, in offset order. */
  private consuming: ReceivedMessage[] = [];
  dropped = false;
  /** Orderly consumption: this client holds the broker's lock on the queue. */
  locked = false;
  /** When the broker last granted (or renewed) the lock, ms. */
  lastLockTimestamp = Date.now();
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  /** Messages held, including an orderly batch being consumed. */
  get msgCount(): number {
    return this.messages.size + this.consuming.length;
  }

  get msgSize(): number {
    return this.bytes;
  }

  /** Adds pulled messages; an offset already held is not added twice. */
  putMessage(messages: readonly ReceivedMessage[]): void {
    for (const message of messages) {
      if (!this.messages.add(message.queueOffset, message)) continue;
      this.queueOffsetMax = Math.max(this.queueOffsetMax, message.queueOffset);
      this.bytes += message.body.length;
    }
  }

  /**
   * Removes consumed messages and returns the offset to commit: the first offset still held, or
   * queueOffsetMax + 1 when none is; -1 when the queue held nothing before.
   */
  removeMessage(messages: readonly ReceivedMessage[]): number {
    if (this.messages.size === 0) return -1;
    this.lastConsumeTimestamp = Date.now();
    for (const message of messages) {
      if (this.messages.delete(message.queueOffset)) this.bytes -= message.body.length;
    }
    if (this.messages.size === 0) {
      this.bytes = 0;
      return this.queueOffsetMax + 1;
    }
    return this.firstOffset() ?? this.queueOffsetMax + 1;
  }

  containsMessage(message: ReceivedMessage): boolean {
    return this.messages.get(message.queueOffset) === message;
  }

  firstOffset(): number | undefined {
    return this.messages.firstOffset();
  }

  firstMessage(): ReceivedMessage | undefined {
    return this.messages.first();
  }

  /** The offsets the held messages span (getMaxSpan). */
  maxSpan(): number {
    const first = this.firstOffset();
    return first === undefined ? 0 : this.queueOffsetMax - first;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  isLockExpired(now = Date.now()): boolean {
    return now - this.lastLockTimestamp > REBALANCE_LOCK_MAX_LIVE_TIME_MS;
  }

  /** Orderly: moves up to `count` messages from the front into the consuming batch and returns them. */
  takeMessages(count: number): ReceivedMessage[] {
    const taken: ReceivedMessage[] = [];
    this.lastConsumeTimestamp = Date.now();
    while (taken.length < count) {
      const message = this.messages.shift();
      if (message === undefined) break;
      taken.push(message);
    }
    this.consuming.push(...taken);
    return taken;
  }

  /** Orderly: the consuming batch is done; returns the offset after it, or -1 when there was none. */
  commit(): number {
    const last = this.consuming[this.consuming.length - 1];
    if (last === undefined) return -1;
    for (const message of this.consuming) this.bytes -= message.body.length;
    this.consuming = [];
    return last.queueOffset + 1;
  }

  /** Orderly: these messages of the consuming batch go back to the front, to be consumed again. */
  makeMessageToConsumeAgain(messages: readonly ReceivedMessage[]): void {
    const again = new Set(messages);
    this.consuming = this.consuming.filter((message) => !again.has(message));
    // A message held wins over one given back at the same offset, as before.
    this.messages.addAll(messages.map((message) => [message.queueOffset, message] as const));
  }

  clear(): void {
    this.consuming = [];
    this.messages.clear();
    this.bytes = 0;
    this.queueOffsetMax = 0;
  }
}
