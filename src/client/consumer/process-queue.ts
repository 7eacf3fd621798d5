/**
 * process-queue.ts: the pulled-but-not-yet-consumed messages of one queue (ProcessQueue.java),
 * keyed by queue offset. It gives the flow-control numbers (count, bytes, offset span) and the
 * offset a consumer may commit: the smallest offset still being consumed, or one past the last
 * message pulled when nothing is left.
 *
 * Invariant: offsets are kept in ascending order. Pulls of a queue are sequential, so messages
 * arrive in ascending order and a Map's insertion order is that order; an offset below the last
 * one (never seen in practice) re-sorts the map.
 */
import type { ReceivedMessage } from './received-message.js';

/** A queue not pulled for this long is considered stuck and is rebuilt (rocketmq.client.pull.pullMaxIdleTime), ms. */
export const PULL_MAX_IDLE_TIME_MS = 120_000;

export class ProcessQueue {
  private messages = new Map<number, ReceivedMessage>();
  private queueOffsetMax = 0;
  private bytes = 0;
  dropped = false;
  /** Orderly consumption: this client holds the broker's lock on the queue. */
  locked = false;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  get msgCount(): number {
    return this.messages.size;
  }

  get msgSize(): number {
    return this.bytes;
  }

  /** Adds pulled messages; an offset already held is not added twice. */
  putMessage(messages: readonly ReceivedMessage[]): void {
    let sorted = true;
    for (const message of messages) {
      if (this.messages.has(message.queueOffset)) continue;
      if (this.messages.size > 0 && message.queueOffset < this.queueOffsetMax) sorted = false;
      this.messages.set(message.queueOffset, message);
      this.queueOffsetMax = Math.max(this.queueOffsetMax, message.queueOffset);
      this.bytes += message.body.length;
    }
    if (!sorted) this.messages = new Map([...this.messages].sort(([a], [b]) => a - b));
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
    const first = this.messages.keys().next();
    return first.done ? undefined : first.value;
  }

  firstMessage(): ReceivedMessage | undefined {
    const first = this.messages.values().next();
    return first.done ? undefined : first.value;
  }

  /** The offsets the held messages span (getMaxSpan). */
  maxSpan(): number {
    const first = this.firstOffset();
    return first === undefined ? 0 : this.queueOffsetMax - first;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  clear(): void {
    this.messages.clear();
    this.bytes = 0;
    this.queueOffsetMax = 0;
  }
}
