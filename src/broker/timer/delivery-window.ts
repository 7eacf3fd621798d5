/**
 * delivery-window.ts: the messages loaded for delivery, each put to its real topic at its exact
 * due time (never before: a put starts only once clock.now() >= dueMs). A min-heap on the time a
 * delivery is ready holds them; one timer is armed for the earliest.
 *
 * Bounds: at most CAPACITY_MAX deliveries and BYTES_MAX message bytes are held (add() waits for
 * room), at most PUTS_IN_FLIGHT_MAX puts run at once. A put the store cannot take now (busy, not
 * available, an exception) is tried again after a capped backoff, never dropped; one it can never
 * take (illegal) is skipped with an error log. Each delivery's `done` is called exactly once,
 * unless the window is stopped first (then it stays undelivered and is loaded again after a
 * restart: at-least-once).
 *
 * Recalls: cancel(key) skips held deliveries of that key and remembers the key (a bounded map,
 * oldest dropped first) for deliveries added after it.
 */
import type { MessageRecord } from '../../message/index.js';
import type { MessageStore } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { judgePut, type PutVerdict } from './timer-read.js';
import { timerDelivery } from './timer-route.js';

const CAPACITY_MAX = 16_384;
const BYTES_MAX = 64 * 1024 * 1024;
const PUTS_IN_FLIGHT_MAX = 256;
const RETRY_DELAY_MIN_MS = 100;
const RETRY_DELAY_MAX_MS = 10_000;
const CANCELLED_KEYS_MAX = 65_536;
/** Node fires longer timeouts at once. */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

export type DeliveryOutcome = 'delivered' | 'skipped' | 'recalled';

export interface Delivery {
  readonly dueMs: number;
  /** The waiting copy, read from the CommitLog. */
  readonly record: MessageRecord;
  /** "<REAL_TOPIC>+<UNIQ_KEY>", what a recall names it by. */
  readonly key: string | undefined;
  /** TIMER_ENQUEUE_MS to set. */
  readonly enqueueMs: string;
  readonly done: (outcome: DeliveryOutcome) => void;
}

interface Held {
  readonly delivery: Delivery;
  readyAt: number;
  failures: number;
  cancelled: boolean;
}

export interface DeliveryWindowOptions {
  readonly store: MessageStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class DeliveryWindow {
  private readonly heap: Held[] = [];
  private readonly cancelledKeys = new Map<string, number>();
  private readonly waiters: (() => void)[] = [];
  private readonly idleWaiters: (() => void)[] = [];
  private bytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly options: DeliveryWindowOptions) {}

  /** Deliveries held or being put. */
  get size(): number {
    return this.heap.length + this.inFlight;
  }

  /** Holds a delivery until it is due; waits while the window is full. */
  async add(delivery: Delivery): Promise<void> {
    while (!this.stopped && (this.heap.length >= CAPACITY_MAX || (this.bytes >= BYTES_MAX && this.heap.length > 0))) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.stopped) return;
    const cancelled = delivery.key !== undefined && this.cancelledKeys.has(delivery.key);
    this.push({ delivery, readyAt: delivery.dueMs, failures: 0, cancelled });
    this.bytes += delivery.record.size;
    this.pump();
  }

  /** A recall: deliveries of `key` held now or added later are not delivered. */
  cancel(key: string, dueMs: number): void {
    this.cancelledKeys.delete(key);
    this.cancelledKeys.set(key, dueMs);
    if (this.cancelledKeys.size > CANCELLED_KEYS_MAX) this.cancelledKeys.delete(this.cancelledKeys.keys().next().value as string);
    for (const held of this.heap) if (held.delivery.key === key) held.cancelled = true;
  }

  /** Forgets recalls due before `timeMs` (their messages are past). */
  forgetCancelledBefore(timeMs: number): void {
    for (const [key, dueMs] of this.cancelledKeys) if (dueMs < timeMs) this.cancelledKeys.delete(key);
  }

  /** Waits until nothing is held or in flight, or `timeoutMs` passes; true when empty. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.size === 0) return true;
    let timeout: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timeout = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timeout);
    return drained;
  }

  /** Stops: nothing more is put; what is held stays undelivered. Waits for puts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    for (const wake of this.waiters.splice(0)) wake();
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    while (this.inFlight < PUTS_IN_FLIGHT_MAX) {
      const top = this.heap[0];
      if (top === undefined || top.readyAt > now) break;
      this.pop();
      this.bytes -= top.delivery.record.size;
      this.start(top);
    }
    if (this.heap.length < CAPACITY_MAX && this.bytes < BYTES_MAX) for (const wake of this.waiters.splice(0)) wake();
    if (this.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    const next = this.heap[0];
    if (next !== undefined && this.inFlight < PUTS_IN_FLIGHT_MAX) this.arm(next.readyAt, now);
  }

  private arm(at: number, now: number): void {
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, Math.min(Math.max(0, at - now), TIMEOUT_MS_MAX));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
  }

  private start(held: Held): void {
    const { delivery } = held;
    if (held.cancelled || (delivery.key !== undefined && this.cancelledKeys.has(delivery.key))) {
      delivery.done('recalled');
      return;
    }
    this.inFlight++;
    void this.put(held).then((outcome) => {
      this.inFlight--;
      if (outcome === 'retry' && !this.stopped) {
        held.failures++;
        held.readyAt = this.options.clock.now() + Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_MIN_MS * 2 ** Math.min(held.failures - 1, 16));
        this.push(held);
        this.bytes += delivery.record.size;
      } else if (outcome !== 'retry') {
        delivery.done(outcome);
      }
      if (this.stopped && this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      this.pump();
    });
  }

  private async put(held: Held): Promise<'delivered' | 'skipped' | 'retry'> {
    const { record } = held.delivery;
    const where = { commitLogOffset: record.commitLogOffset, dueMs: held.delivery.dueMs };
    const converted = timerDelivery(record, held.delivery.enqueueMs, this.options.clock.now());
    if (!converted.ok) {
      this.options.logger.error({ ...where, reason: converted.reason }, 'a timer message cannot be delivered; skipped');
      return 'skipped';
    }
    let verdict: PutVerdict;
    try {
      verdict = judgePut(await this.options.store.putMessage(converted.request));
    } catch (error) {
      this.options.logger.error({ ...where, err: error }, 'storing a due timer message failed');
      return 'retry';
    }
    if (verdict.kind === 'stored') return 'delivered';
    if (verdict.kind === 'refused') {
      this.options.logger.error({ ...where, status: verdict.status, reason: verdict.reason }, 'the store refuses a due timer message; skipped');
      return 'skipped';
    }
    this.options.logger.warn({ ...where, status: verdict.status, reason: verdict.reason }, 'the store cannot take a due timer message now');
    return 'retry';
  }

  private push(held: Held): void {
    const heap = this.heap;
    heap.push(held);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as Held).readyAt <= held.readyAt) break;
      heap[index] = heap[parent] as Held;
      index = parent;
    }
    heap[index] = held;
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as Held;
    if (heap.length === 0) return;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && (heap[right] as Held).readyAt < (heap[left] as Held).readyAt ? right : left;
      if ((heap[child] as Held).readyAt >= last.readyAt) break;
      heap[index] = heap[child] as Held;
      index = child;
    }
    heap[index] = last;
  }
}
