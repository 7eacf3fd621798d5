/**
 * coarse-transfer.ts: moves a coarse slot's records into the fine wheel once the whole coarse
 * slot lies within the fine span (firstCoarseBeyond), one coarse slot at a time, in order. Each
 * record is placed again by its due time: linked into a fine slot (a new 56-byte record; the
 * message itself is not copied), into a later coarse slot (due beyond the coarse span), handed
 * straight to delivery (catching up after downtime), or stored again (refresh, when its CommitLog
 * copy would not outlive the wait).
 *
 * transferredSlot moves past a coarse slot only when all of it is placed and whatever went
 * straight to delivery is delivered, so a crash re-transfers it (duplicates, never losses). The
 * walk yields every YIELD_RECORDS records so deliveries keep their time, and waits for the log
 * writer past PENDING_BYTES_MAX. A failure is retried from the record it stopped at.
 */
import { findProperty, MessageConst } from '../../message/index.js';
import type { MessageStore } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { DeliveryWindow } from './delivery-window.js';
import { NO_TRANSFER } from './timer-checkpoint.js';
import { TimerProperty } from './timer-const.js';
import { PENDING_BYTES_MAX } from './timer-log.js';
import { isDelete, type TimerLogRecord } from './timer-log-record.js';
import type { TimerMetrics } from './timer-metrics.js';
import { firstCoarseBeyond } from './timer-placement.js';
import { cursorAfter, decodeCursor, encodeCursor, firstCursor, readMessage, readSlot, storeAgain, yieldToEventLoop, type SlotCursor } from './timer-read.js';
import type { SlotEntry } from './timer-wheel.js';
import { recallKeyOf } from './timer-route.js';
import type { TimerStore } from './timer-store.js';

const YIELD_RECORDS = 1024;
const RETRY_DELAY_MS = 1000;

export interface CoarseTransferOptions {
  readonly timer: TimerStore;
  readonly window: DeliveryWindow;
  readonly store: MessageStore;
  readonly metrics: TimerMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called when a transfer ends (the next may be due). */
  readonly onProgress: () => void;
}

interface Transfer {
  readonly slot: number;
  /** The slot's entry when the transfer began (undefined: an empty slot). */
  readonly entry: SlotEntry | undefined;
  /** Undefined once every record is placed. */
  cursor: SlotCursor | undefined;
  /** Records handed straight to delivery and not delivered yet. */
  pending: number;
  settled: (() => void) | undefined;
}

export class CoarseTransfer {
  private running: Promise<void> | undefined;
  private current: Transfer | undefined;
  private stopped = true;

  constructor(private readonly options: CoarseTransferOptions) {}

  /** Starts; a transfer the checkpoint says was under way goes on from its cursor. */
  start(): void {
    const { timer } = this.options;
    this.stopped = false;
    if (timer.recoveredTransferCursor !== NO_TRANSFER && this.current === undefined) {
      const slot = timer.coarseSlot++;
      const entry = timer.coarse.entry(slot);
      const cursor = timer.recoveredTransferCursor === -1 || entry === undefined ? undefined : decodeCursor(timer.recoveredTransferCursor);
      this.current = { slot, entry, cursor, pending: 0, settled: undefined };
    }
  }

  /** Where the transfer under way goes on after a restart, for the checkpoint. */
  checkpointCursor(): number {
    const current = this.current;
    return current === undefined || current.pending > 0 ? NO_TRANSFER : encodeCursor(current.cursor, -1);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Starts the next coarse slot's transfer when it is within the fine span and none runs. */
  maybeStart(): void {
    if (this.stopped || this.running !== undefined) return;
    const { timer } = this.options;
    if (this.current === undefined) {
      if (timer.coarseSlot >= firstCoarseBeyond(timer.geometry, timer.loadSlot)) return;
      const slot = timer.coarseSlot++;
      const entry = timer.coarse.entry(slot);
      this.current = { slot, entry, cursor: entry === undefined ? undefined : firstCursor(entry), pending: 0, settled: undefined };
    }
    const transfer = this.current;
    this.running = this.run(transfer)
      .then(
        () => {
          this.current = undefined;
          timer.transferredSlot = transfer.slot + 1;
        },
        (error: unknown) => {
          if (this.stopped) return undefined;
          this.options.logger.error({ err: error, slot: transfer.slot, cursor: transfer.cursor }, 'a coarse timer slot transfer failed; retrying');
          return new Promise<void>((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref());
        },
      )
      .finally(() => {
        this.running = undefined;
        this.options.onProgress();
      });
  }

  private async run(transfer: Transfer): Promise<void> {
    const { timer, logger } = this.options;
    const { entry } = transfer;
    while (transfer.cursor !== undefined && entry !== undefined) {
      if (this.stopped) throw new Error('stopped');
      const { mode } = transfer.cursor;
      const step = await readSlot(timer.log, logger, { slot: transfer.slot, coarse: true }, entry, transfer.cursor, YIELD_RECORDS);
      for (const record of step.records) {
        // Linking and moving the cursor happen in one go: a checkpoint never sees one without the other.
        const placement = timer.place(record.dueMs, record.storeMs);
        if (placement.kind === 'fine' || placement.kind === 'coarse') {
          timer.link(placement.kind, placement.slot, { ...record, isDelete: isDelete(record.magic) });
        } else if (placement.kind === 'direct') {
          await this.deliverNow(transfer, record);
        } else {
          await this.refresh(record);
        }
        transfer.cursor = cursorAfter(mode, record, entry);
      }
      transfer.cursor = step.cursor;
      if (timer.log.pendingBytes >= PENDING_BYTES_MAX) await timer.log.writePending();
      await yieldToEventLoop();
    }
    while (transfer.pending > 0) await new Promise<void>((resolve) => (transfer.settled = resolve));
  }

  private async deliverNow(transfer: Transfer, record: TimerLogRecord): Promise<void> {
    const { store, window, metrics, logger } = this.options;
    const message = await readMessage(store, record);
    if (message === undefined) {
      logger.error({ commitLogOffset: record.commitLogOffset }, 'a due timer message is gone from the CommitLog; skipped');
      return;
    }
    if (isDelete(record.magic)) {
      const key = findProperty(message.properties, TimerProperty.DEL_UNIQKEY);
      if (key !== undefined) window.cancel(key, record.dueMs);
      return;
    }
    const realTopic = findProperty(message.properties, MessageConst.REAL_TOPIC);
    transfer.pending++;
    await window.add({
      dueMs: record.dueMs,
      record: message,
      key: recallKeyOf(message.properties),
      enqueueMs: String(record.storeMs),
      done: () => {
        metrics.add(realTopic, -1);
        transfer.pending--;
        if (transfer.pending === 0) transfer.settled?.();
      },
    });
  }

  /** Stores the message again; throws (the transfer retries from here) while the store cannot. */
  private async refresh(record: TimerLogRecord): Promise<void> {
    const { store, metrics, logger } = this.options;
    const message = await readMessage(store, record);
    if (message === undefined) {
      logger.error({ commitLogOffset: record.commitLogOffset }, 'a waiting timer message is gone from the CommitLog; skipped');
      return;
    }
    if (!(await storeAgain(store, message, logger))) throw new Error('the store cannot take a waiting timer message again now');
    if (!isDelete(record.magic)) metrics.add(findProperty(message.properties, MessageConst.REAL_TOPIC), -1);
  }
}
