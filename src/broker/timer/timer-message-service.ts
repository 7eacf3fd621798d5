/**
 * timer-message-service.ts: RocketMQ 5's timer messages (TimerMessageStore.java), broker-side over
 * the MessageStore API, like the schedule service. A timer message waits in rmq_sys_wheel_timer
 * (the send path puts it there, timer-route.ts); this service moves it into a durable timer index
 * (timer-enqueue.ts), loads each slot as its time comes (timer-dequeue.ts, coarse-transfer.ts) and
 * puts each message to its real topic at its exact due time (delivery-window.ts).
 *
 * Design, and why it differs from Java's:
 * - Memory does not grow with what is scheduled. The timer log (56-byte records, on disk) holds
 *   one record per waiting message, chained per slot; two fixed wheels index it: a fine wheel of
 *   timerRollWindowSlot slots of timerPrecisionMs (36,000 × 100 ms = 1 hour by default, 1.1 MB)
 *   and a coarse wheel of 65,536 slots of 1/32 of that span (85 days, 2 MB). Only the slots about
 *   to be due are loaded (up to a second ahead, in chunks of 8,192 records), plus bounded
 *   caches: timer log blocks (16 MB), pending log writes (4 MB), the delivery window (16,384
 *   messages or 64 MB).
 * - Messages are delivered at their exact due time, not at a slot boundary (Java floors the due
 *   time to its precision and may deliver up to a precision early). The slot size only decides
 *   how much is read at once: 100 ms slots hold ~1,000 messages at 10,000 due per second, read
 *   (with the CommitLog reads of nearby messages merged) up to a second before they are due.
 *   Java's 1,000 ms would make each read ten times bigger and coarser to spread; a 10 ms slot
 *   would make the wheel ten times bigger for the same span and the loader wake up ten times as
 *   often for nothing.
 * - Java re-puts ("rolls") every message due beyond its 2-day window into the CommitLog again.
 *   We move records from the coarse wheel to the fine wheel by appending a 56-byte record, and
 *   store a message again only when its CommitLog copy would be deleted before it is due
 *   (half of fileReservedTime), so delays of weeks cost no more than delays of hours.
 * - Recall (RECALL_MESSAGE) writes Java's marker message (TIMER_DEL_UNIQKEY) into the same queue;
 *   it lands in its message's slot (same due time), and a slot's markers are read before any of
 *   its messages is handed over, so a recalled message is never delivered once its marker is in.
 * Files: <storePathRootDir>/timer/ (log/, wheel, checkpoint, metrics.json); see timer-store.ts
 * for durability. On a crash: at-least-once, never lost; across a clean restart: once.
 */
import { join } from 'node:path';
import { nodeFileSystem, type MessageArrivedListener, type MessageStore, type StoreFileSystem } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { DeliveryWindow } from './delivery-window.js';
import { encodeJavaCheckpoint } from './timer-checkpoint.js';
import { TIMER_QUEUE_ID, TIMER_TOPIC } from './timer-const.js';
import { TimerDequeue } from './timer-dequeue.js';
import { TimerEnqueue } from './timer-enqueue.js';
import { TimerMetrics } from './timer-metrics.js';
import { refreshAfterMs, timerGeometry } from './timer-placement.js';
import { TimerStore, type Progress } from './timer-store.js';

/** How long shutdown waits for the messages already loaded to go out (they are due within a second). */
const DRAIN_TIMEOUT_MS = 5000;

export interface TimerMessageServiceOptions {
  readonly store: MessageStore;
  readonly rootDir: string;
  /** timerPrecisionMs */
  readonly precisionMs: number;
  /** timerRollWindowSlot: slots of the fine wheel. */
  readonly fineSlots: number;
  /** timerFlushIntervalMs */
  readonly flushIntervalMs: number;
  /** mappedFileSizeTimerLog */
  readonly segmentBytes: number;
  /** The store's fileReservedTime, hours. */
  readonly fileReservedTimeHours: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly fs?: StoreFileSystem;
}

export class TimerMessageService {
  private readonly timer: TimerStore;
  private readonly window: DeliveryWindow;
  private readonly enqueue: TimerEnqueue;
  private readonly dequeue: TimerDequeue;
  private readonly metrics: TimerMetrics;
  private readonly logger: Logger;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: TimerMessageServiceOptions) {
    const { store, clock } = options;
    this.logger = options.logger.child({ component: 'timer' });
    const logger = this.logger;
    const geometry = timerGeometry(options.precisionMs, options.fineSlots);
    this.timer = new TimerStore({
      fs: options.fs ?? nodeFileSystem,
      rootDir: options.rootDir,
      geometry,
      segmentBytes: options.segmentBytes,
      refreshAfterMs: refreshAfterMs(options.fileReservedTimeHours, geometry),
      clock,
      logger,
    });
    this.metrics = new TimerMetrics(join(options.rootDir, 'timer', 'metrics.json'), clock, logger);
    this.window = new DeliveryWindow({ store, clock, logger });
    this.enqueue = new TimerEnqueue({ store, timer: this.timer, window: this.window, metrics: this.metrics, clock, logger });
    this.dequeue = new TimerDequeue({ store, timer: this.timer, window: this.window, metrics: this.metrics, clock, logger });
  }

  /** Recovers the timer's files; the store must be started. */
  async load(): Promise<void> {
    await this.timer.recover();
    await this.metrics.load();
  }

  start(): void {
    const { store, flushIntervalMs } = this.options;
    this.started = true;
    this.enqueue.start(this.timer.recoveredQueueOffset ?? store.getMinOffsetInQueue(TIMER_TOPIC, TIMER_QUEUE_ID));
    this.dequeue.start();
    this.flushTimer = setInterval(() => void this.flush(false), flushIntervalMs);
    this.flushTimer.unref();
  }

  /** Store arrival listener: a message in the timer queue is read at once. */
  readonly onMessageArrived: MessageArrivedListener = (event) => {
    if (event.topic === TIMER_TOPIC) this.enqueue.wake();
  };

  /**
   * Stops reading the queue and loading slots, lets the messages already loaded go out (they are
   * due within a second), then writes the log, the wheels and the checkpoint.
   */
  async shutdown(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    await this.enqueue.stop();
    await this.dequeue.stop();
    if (!(await this.window.drain(DRAIN_TIMEOUT_MS))) {
      this.logger.warn({ held: this.window.size }, 'timer messages still loaded at shutdown are delivered again after the restart');
    }
    await this.window.stop();
    await this.flushing;
    await this.flush(true);
    await this.timer.close();
  }

  /** GET_TIMER_CHECK_POINT: Java's 56-byte TimerCheckpoint. */
  checkpointBody(): Buffer {
    return encodeJavaCheckpoint(this.timer.checkpoint(this.enqueue.checkpointOffset()));
  }

  /** GET_TIMER_METRICS: Java's TimerMetrics JSON. */
  metricsBody(): string {
    return this.metrics.encode();
  }

  /** Cursors and the enqueue offset (tests, logs). */
  progress(): Progress & { readonly queueOffset: number; readonly logEnd: number } {
    return { ...this.timer.progress(), queueOffset: this.enqueue.checkpointOffset(), logEnd: this.timer.log.endPosition };
  }

  /** Writes a checkpoint (one at a time; `force` also writes the wheel snapshot). */
  private flush(force: boolean): Promise<void> {
    if (this.flushing !== undefined) return this.flushing;
    this.flushing = this.timer
      .flush(this.enqueue.checkpointOffset(), this.dequeue.transferCursor(), force)
      .then(() => this.metrics.persist())
      .catch((error: unknown) => {
        // Nothing is lost: the next flush writes the state again.
        this.logger.error({ err: error }, 'writing the timer checkpoint failed');
      })
      .finally(() => {
        this.flushing = undefined;
      });
    return this.flushing;
  }
}
