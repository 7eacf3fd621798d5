/**
 * pull-hold-service.ts: long polling (PullRequestHoldService.java). A pull that finds nothing new
 * is held until a matching message arrives in its queue or its time is up; the pull handler then
 * runs again. Held pulls are bounded (maxHeld); past that a pull is answered at once.
 * A held pull whose connection closed is simply answered into the void at its wake-up: its time
 * is bounded, so nothing accumulates.
 */
import type { MessageFilter } from '../../store/index.js';

/**
 * The longest a pull is held, ms: Node's setTimeout fires after 1 ms when given more than a
 * signed 32-bit delay, so longer suspendTimeoutMillis (a Java long) are capped here (~24.8 days).
 */
export const HOLD_MS_MAX = 2 ** 31 - 1;

export type WakeReason = 'ARRIVED' | 'TIMEOUT' | 'FULL' | 'SHUTDOWN';

interface HeldPull {
  readonly offset: number;
  readonly filter: MessageFilter;
  readonly wake: (reason: WakeReason) => void;
}

export class PullHoldService {
  private readonly held = new Map<string, Set<HeldPull>>();
  private count = 0;
  private stopped = false;

  constructor(
    private readonly maxHeld: number,
    /** The queue's current max offset, to catch a message that arrived while the pull was being read. */
    private readonly maxOffsetOf: (topic: string, queueId: number) => number,
  ) {}

  get heldCount(): number {
    return this.count;
  }

  /** Waits until a message past `offset` that passes `filter` arrives, or `timeoutMs` passes. */
  hold(topic: string, queueId: number, offset: number, filter: MessageFilter, timeoutMs: number): Promise<WakeReason> {
    if (this.stopped) return Promise.resolve('SHUTDOWN');
    if (this.count >= this.maxHeld) return Promise.resolve('FULL');
    if (this.maxOffsetOf(topic, queueId) > offset) return Promise.resolve('ARRIVED');
    const key = `${topic}@${queueId}`;
    return new Promise<WakeReason>((resolve) => {
      let set = this.held.get(key);
      if (set === undefined) {
        set = new Set();
        this.held.set(key, set);
      }
      const entries = set;
      const pull: HeldPull = {
        offset,
        filter,
        wake: (reason) => {
          clearTimeout(timer);
          if (!entries.delete(pull)) return;
          this.count--;
          if (entries.size === 0 && this.held.get(key) === entries) this.held.delete(key);
          resolve(reason);
        },
      };
      const timer = setTimeout(() => pull.wake('TIMEOUT'), Math.min(Math.max(0, timeoutMs), HOLD_MS_MAX));
      entries.add(pull);
      this.count++;
    });
  }

  /** A message reached `maxOffset - 1` in the queue: wake the pulls it satisfies. */
  notifyArrival(topic: string, queueId: number, maxOffset: number, tagsCode: number): void {
    const set = this.held.get(`${topic}@${queueId}`);
    if (set === undefined) return;
    for (const pull of [...set]) {
      if (maxOffset > pull.offset && pull.filter.isMatchedByConsumeQueue(tagsCode)) pull.wake('ARRIVED');
    }
  }

  /** Wakes every held pull (they answer at once) and refuses new ones. */
  shutdown(): void {
    this.stopped = true;
    for (const set of [...this.held.values()]) for (const pull of [...set]) pull.wake('SHUTDOWN');
  }
}
