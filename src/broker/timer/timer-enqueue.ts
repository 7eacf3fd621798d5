/**
 * timer-enqueue.ts: moves what arrives in rmq_sys_wheel_timer queue 0 into the timer
 * (TimerEnqueueGetService + TimerEnqueuePutService): each message, in queue order, is linked into
 * the fine or coarse wheel by its TIMER_OUT_MS, handed straight to delivery when its slot is
 * already loaded, or stored again when its CommitLog copy would not outlive its wait. A recall
 * marker is linked like a message (its slot is its message's); one whose slot is loaded cancels
 * the message in the delivery window.
 *
 * Progress: `offset` is the next queue offset to read; checkpointOffset() is the lowest offset
 * not yet safe (a message handed straight to delivery is safe once delivered, a linked one once
 * the log is synced, which the checkpoint does first). A store read is woken by the store's
 * arrival events, never polled. Transient store failures are retried with a capped backoff.
 * Must not: run before recovery or after stop().
 */
import { decodeRecord, findProperty, MessageConst, type MessageRecord } from '../../message/index.js';
import type { MessageStore } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { DeliveryWindow } from './delivery-window.js';
import { NEVER_ENQUEUED, TIMER_QUEUE_ID, TIMER_TOPIC, TimerProperty } from './timer-const.js';
import { PENDING_BYTES_MAX } from './timer-log.js';
import type { TimerMetrics } from './timer-metrics.js';
import { storeAgain } from './timer-read.js';
import { recallKeyOf } from './timer-route.js';
import type { TimerStore } from './timer-store.js';

const BATCH_MESSAGES_MAX = 32;
/** Batches one round reads before it yields and goes on in a new round. */
const ROUND_BATCHES_MAX = 64;
const RETRY_DELAY_MIN_MS = 100;
const RETRY_DELAY_MAX_MS = 10_000;

type Next = 'more' | 'idle' | 'retry';

export interface TimerEnqueueOptions {
  readonly store: MessageStore;
  readonly timer: TimerStore;
  readonly window: DeliveryWindow;
  readonly metrics: TimerMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class TimerEnqueue {
  offset = 0;
  /** Queue offsets handed straight to delivery and not delivered yet. */
  private readonly direct = new Set<number>();
  private running: Promise<void> | undefined;
  private rerun = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = true;

  constructor(private readonly options: TimerEnqueueOptions) {}

  /** Starts reading at `offset`, clamped into the queue's range. */
  start(offset: number): void {
    const { store, logger } = this.options;
    const min = store.getMinOffsetInQueue(TIMER_TOPIC, TIMER_QUEUE_ID);
    const max = store.getMaxOffsetInQueue(TIMER_TOPIC, TIMER_QUEUE_ID);
    this.offset = Math.min(Math.max(offset, min), max);
    if (this.offset !== offset) logger.warn({ offset, min, max, corrected: this.offset }, 'timer queue offset outside its queue; corrected');
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.running;
  }

  /** The lowest queue offset whose message may not be safe yet. */
  checkpointOffset(): number {
    let lowest = this.offset;
    for (const offset of this.direct) lowest = Math.min(lowest, offset);
    return lowest;
  }

  /** Something arrived in the timer queue (or may have): read it. */
  wake(): void {
    if (this.stopped || this.retryTimer !== undefined) return;
    if (this.running !== undefined) {
      this.rerun = true;
      return;
    }
    this.running = this.round()
      .catch((error: unknown): Next => {
        this.options.logger.error({ err: error, offset: this.offset }, 'moving timer messages into the timer failed; retrying');
        return 'retry';
      })
      .then((next) => {
        this.running = undefined;
        this.after(next);
      });
  }

  private after(next: Next): void {
    if (this.stopped) return;
    if (next === 'retry') {
      this.failures++;
      this.rerun = false;
      const delayMs = Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_MIN_MS * 2 ** Math.min(this.failures - 1, 16));
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.wake();
      }, delayMs);
      this.retryTimer.unref();
      return;
    }
    this.failures = 0;
    if (next === 'more' || this.rerun) {
      this.rerun = false;
      setImmediate(() => this.wake());
    }
  }

  private async round(): Promise<Next> {
    for (let batch = 0; batch < ROUND_BATCHES_MAX; batch++) {
      if (this.stopped) return 'idle';
      const next = await this.batch();
      if (this.options.timer.log.pendingBytes >= PENDING_BYTES_MAX) await this.options.timer.log.writePending();
      if (next !== 'more') return next;
    }
    return 'more';
  }

  private async batch(): Promise<Next> {
    const { store, logger } = this.options;
    const result = await store.getMessage({ topic: TIMER_TOPIC, queueId: TIMER_QUEUE_ID, offset: this.offset, maxMsgNums: BATCH_MESSAGES_MAX });
    switch (result.status) {
      case 'NO_MESSAGE_IN_QUEUE':
      case 'OFFSET_OVERFLOW_ONE':
        return 'idle';
      case 'OFFSET_FOUND_NULL':
        return 'retry';
      case 'FOUND':
        break;
      default:
        logger.error({ offset: this.offset, status: result.status, next: result.nextBeginOffset }, 'timer messages are gone from the CommitLog; skipped');
        this.offset = Math.max(this.offset, result.nextBeginOffset);
        return 'more';
    }
    for (const bytes of result.records) {
      const decoded = decodeRecord(Buffer.from(bytes), 0);
      if (decoded.kind !== 'MESSAGE') {
        logger.error({ offset: this.offset, kind: decoded.kind }, 'unreadable record in the timer queue; skipped');
        this.offset++;
        continue;
      }
      if (!(await this.enqueue(decoded.message))) return 'retry';
      this.offset = decoded.message.queueOffset + 1;
    }
    this.offset = Math.max(this.offset, result.nextBeginOffset);
    return this.offset < result.maxOffset ? 'more' : 'idle';
  }

  /** Places one message; false when it must be tried again. */
  private async enqueue(message: MessageRecord): Promise<boolean> {
    const { timer, window, metrics, logger } = this.options;
    const outText = findProperty(message.properties, TimerProperty.OUT_MS);
    const dueMs = outText !== undefined && /^\d{1,16}$/.test(outText) ? Number(outText) : Number.NaN;
    if (!Number.isSafeInteger(dueMs)) {
      logger.error({ commitLogOffset: message.commitLogOffset, outMs: outText }, 'a timer message without a due time; skipped');
      return true;
    }
    const deleteKey = findProperty(message.properties, TimerProperty.DEL_UNIQKEY);
    const realTopic = findProperty(message.properties, MessageConst.REAL_TOPIC);
    const placement = timer.place(dueMs, message.storeTimestamp);
    switch (placement.kind) {
      case 'fine':
      case 'coarse':
        timer.link(placement.kind, placement.slot, {
          dueMs,
          storeMs: message.storeTimestamp,
          commitLogOffset: message.commitLogOffset,
          messageSize: message.size,
          isDelete: deleteKey !== undefined,
        });
        if (deleteKey === undefined) metrics.add(realTopic, 1);
        return true;
      case 'direct':
        if (deleteKey !== undefined) window.cancel(deleteKey, dueMs);
        else await this.deliverNow(message, dueMs, realTopic);
        return true;
      case 'refresh':
        // Stored again, it comes back through the queue with a fresh store time.
        return storeAgain(this.options.store, message, this.options.logger);
    }
  }

  private async deliverNow(message: MessageRecord, dueMs: number, realTopic: string | undefined): Promise<void> {
    const queueOffset = message.queueOffset;
    this.direct.add(queueOffset);
    this.options.metrics.add(realTopic, 1);
    await this.options.window.add({
      dueMs,
      record: message,
      key: recallKeyOf(message.properties),
      enqueueMs: NEVER_ENQUEUED,
      done: () => {
        this.direct.delete(queueOffset);
        this.options.metrics.add(realTopic, -1);
      },
    });
  }

}
