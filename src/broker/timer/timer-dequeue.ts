/**
 * timer-dequeue.ts: loads fine slots as their time comes (TimerDequeueGetService and friends) and
 * starts coarse transfers as their slots come within the fine span.
 *
 * A fine slot is loaded up to LOAD_LEAD before its start (a second, or two slots if longer), so
 * reading a slot's messages, which takes tens of ms when the disk or CPU is busy, never makes
 * them late; the window's capacity bounds what that holds (10,000 messages at 10,000/s). Its chain is
 * walked (all recall markers first when the slot holds any, so a recalled message is never handed
 * over), then its messages are read from the CommitLog in chunks of CHUNK_RECORDS, sorted by due
 * time, and handed to the delivery window, which puts each at its exact due time. A slot is done
 * when every message it handed over is delivered (or skipped, or recalled); deliveredSlot moves
 * over done slots in order. Empty slots are done at once, without I/O.
 *
 * Bounds: SLOT_LOADS_MAX loads at once, each holding at most CHUNK_RECORDS records and the
 * window's capacity; SLOTS_PER_TICK_MAX empty slots are passed before yielding (catching up after
 * downtime). A load that fails (an I/O error) is tried again from where it stopped.
 * Must not: load a slot before LOAD_LEAD of its start, or call a slot done before all of it is.
 */
import { findProperty, MessageConst, type MessageRecord } from '../../message/index.js';
import type { MessageStore } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { CoarseTransfer } from './coarse-transfer.js';
import type { DeliveryWindow } from './delivery-window.js';
import { TimerMagic, TimerProperty } from './timer-const.js';
import { isDelete, type TimerLogRecord } from './timer-log-record.js';
import type { TimerMetrics } from './timer-metrics.js';
import { firstCursor, readMessage, readMessages, readSlot, type SlotCursor, type SlotStep } from './timer-read.js';
import { recallKeyOf } from './timer-route.js';
import type { TimerStore } from './timer-store.js';
import type { SlotEntry } from './timer-wheel.js';

const LOAD_LEAD_MS = 1000;
const SLOT_LOADS_MAX = 8;
const CHUNK_RECORDS = 8192;
const SLOTS_PER_TICK_MAX = 4096;
const RETRY_DELAY_MS = 1000;
/** Recalls are forgotten this long after their message was due. */
const CANCEL_MEMORY_MS = 60_000;
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

interface SlotLoad {
  readonly slot: number;
  readonly entry: SlotEntry;
  /** Undefined once every record is handed over. */
  cursor: SlotCursor | undefined;
  deletes: Set<string> | undefined;
  remaining: number;
  loaded: boolean;
}

export interface TimerDequeueOptions {
  readonly timer: TimerStore;
  readonly window: DeliveryWindow;
  readonly store: MessageStore;
  readonly metrics: TimerMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class TimerDequeue {
  private readonly done = new Set<number>();
  private readonly loads = new Set<Promise<void>>();
  private readonly transfer: CoarseTransfer;
  private loading = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(private readonly options: TimerDequeueOptions) {
    this.transfer = new CoarseTransfer({ ...options, onProgress: () => this.tick() });
  }

  private get leadMs(): number {
    return Math.max(LOAD_LEAD_MS, 2 * this.options.timer.geometry.fineSlotMs);
  }

  start(): void {
    this.stopped = false;
    this.transfer.start();
    this.tick();
  }

  /** Where the coarse transfer under way goes on after a restart (the checkpoint's transferCursor). */
  transferCursor(): number {
    return this.transfer.checkpointCursor();
  }

  /** Loads no more slots and waits for loads and the transfer under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    await this.transfer.stop();
    await Promise.all([...this.loads]);
  }

  /** Loads the slots whose time has come and starts a transfer when one is due. */
  tick(): void {
    if (this.tickTimer !== undefined) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    if (this.stopped) return;
    const { timer, clock } = this.options;
    const slotMs = timer.geometry.fineSlotMs;
    const horizon = clock.now() + this.leadMs;
    let passed = 0;
    while (this.loading < SLOT_LOADS_MAX && timer.loadSlot * slotMs <= horizon && passed < SLOTS_PER_TICK_MAX) {
      const slot = timer.loadSlot++;
      passed++;
      const entry = timer.fine.entry(slot);
      if (entry === undefined) this.slotDone(slot);
      else this.startLoad({ slot, entry, cursor: firstCursor(entry), deletes: undefined, remaining: 0, loaded: false });
    }
    this.transfer.maybeStart();
    if (passed === SLOTS_PER_TICK_MAX) {
      this.tickTimer = setTimeout(() => this.tick(), 0);
    } else if (this.loading < SLOT_LOADS_MAX) {
      const delayMs = Math.min(TIMEOUT_MS_MAX, Math.max(0, timer.loadSlot * slotMs - this.leadMs - clock.now()));
      this.tickTimer = setTimeout(() => this.tick(), delayMs);
    }
    this.tickTimer?.unref();
  }

  private startLoad(load: SlotLoad): void {
    this.loading++;
    const running = this.load(load)
      .then(
        () => {
          load.loaded = true;
          this.maybeSlotDone(load);
        },
        (error: unknown) => {
          this.options.logger.error({ err: error, slot: load.slot, cursor: load.cursor }, 'loading a timer slot failed; retrying');
          return new Promise<void>((resolve) => setTimeout(resolve, RETRY_DELAY_MS).unref()).then(() => {
            if (!this.stopped) this.startLoad(load);
          });
        },
      )
      .finally(() => {
        this.loading--;
        this.loads.delete(running);
        this.tick();
      });
    this.loads.add(running);
  }

  private async load(load: SlotLoad): Promise<void> {
    const { timer, store, logger } = this.options;
    const where = { slot: load.slot, coarse: false };
    if (load.deletes === undefined) {
      load.deletes = (load.entry.magic & TimerMagic.DELETE) !== 0 ? await this.collectDeletes(load) : new Set();
    }
    while (load.cursor !== undefined && !this.stopped) {
      const step = await readSlot(timer.log, logger, where, load.entry, load.cursor, CHUNK_RECORDS);
      const records = step.records.filter((record) => !isDelete(record.magic)).sort((a, b) => a.dueMs - b.dueMs);
      const messages = await readMessages(store, records);
      for (const [index, record] of records.entries()) await this.handOver(load, record, messages[index]);
      load.cursor = step.cursor;
    }
  }

  /** Keys of every recall marker in the slot (their messages must not be handed over). */
  private async collectDeletes(load: SlotLoad): Promise<Set<string>> {
    const { timer, store, logger } = this.options;
    const keys = new Set<string>();
    for (let cursor: SlotCursor | undefined = firstCursor(load.entry); cursor !== undefined; ) {
      const step: SlotStep = await readSlot(timer.log, logger, { slot: load.slot, coarse: false }, load.entry, cursor, CHUNK_RECORDS);
      for (const record of step.records) {
        if (!isDelete(record.magic)) continue;
        const marker = await readMessage(store, record);
        const key = marker === undefined ? undefined : findProperty(marker.properties, TimerProperty.DEL_UNIQKEY);
        if (key !== undefined) keys.add(key);
      }
      cursor = step.cursor;
    }
    return keys;
  }

  private async handOver(load: SlotLoad, record: TimerLogRecord, message: MessageRecord | undefined): Promise<void> {
    const { metrics, logger, window } = this.options;
    if (message === undefined) {
      logger.error({ slot: load.slot, commitLogOffset: record.commitLogOffset }, 'a due timer message is gone from the CommitLog; skipped');
      return;
    }
    const key = recallKeyOf(message.properties);
    const realTopic = findProperty(message.properties, MessageConst.REAL_TOPIC);
    if (key !== undefined && load.deletes?.has(key) === true) {
      metrics.add(realTopic, -1);
      return;
    }
    load.remaining++;
    await window.add({
      dueMs: record.dueMs,
      record: message,
      key,
      enqueueMs: String(record.storeMs),
      done: () => {
        metrics.add(realTopic, -1);
        load.remaining--;
        this.maybeSlotDone(load);
      },
    });
  }

  private maybeSlotDone(load: SlotLoad): void {
    if (load.loaded && load.remaining === 0) this.slotDone(load.slot);
  }

  private slotDone(slot: number): void {
    const { timer, window } = this.options;
    if (slot !== timer.deliveredSlot) {
      this.done.add(slot);
      return;
    }
    timer.deliveredSlot++;
    while (this.done.delete(timer.deliveredSlot)) timer.deliveredSlot++;
    if (timer.deliveredSlot % 64 === 0) window.forgetCancelledBefore(timer.deliveredSlot * timer.geometry.fineSlotMs - CANCEL_MEMORY_MS);
  }
}
