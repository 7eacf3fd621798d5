/**
 * timer-store.ts: the timer's durable index: the timer log, the fine and coarse wheels over it,
 * the cursors, and their files under <storePathRootDir>/timer/ (our names, since our formats are
 * not Java's): log/ (segments), wheel (snapshot), checkpoint (Java's 56 bytes, then ours).
 *
 * Cursors (slot numbers): loadSlot, the next fine slot to load; deliveredSlot, every fine slot
 * below it delivered; coarseSlot, the next coarse slot to transfer; transferredSlot, every coarse
 * slot below it transferred. deliveredSlot <= loadSlot and transferredSlot <= coarseSlot.
 *
 * Durability (flush()): the state is captured at one instant (log end, wheels, cursors, enqueue
 * offset), the log is fdatasync'ed past that end, then the wheel snapshot (when due) and the
 * checkpoint are written, then segments whose slots are all done are removed. Recovery loads the
 * checkpoint and the snapshot, replays the log from the snapshot's position (re-linking a record
 * is idempotent), and cuts a torn tail. What was appended but not synced before a crash is
 * appended again from the rmq_sys_wheel_timer queue (the checkpointed enqueue offset is below
 * it); what was delivered but not checkpointed is delivered again: at-least-once on a crash.
 * A missing checkpoint means a new timer: the log and snapshot are dropped (both derive from the
 * queue). The geometry (precision and slot counts) is fixed when the timer is created; a different
 * configured one is ignored with a warning until the timer files are removed.
 */
import { join } from 'node:path';
import type { StoreFileSystem } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { DataVersion } from '../../protocol/index.js';
import {
  decodeCheckpoint,
  decodeSnapshot,
  encodeCheckpoint,
  encodeSnapshot,
  NO_TRANSFER,
  readFileIfExists,
  writeFileAtomically,
  type TimerCheckpoint,
  type WheelSnapshot,
} from './timer-checkpoint.js';
import { TimerMagic } from './timer-const.js';
import { TimerLog } from './timer-log.js';
import { encodeTimerRecord, isDelete, isRoll, TIMER_RECORD_BYTES, type TimerLogRecord } from './timer-log-record.js';
import { firstCoarseBeyond, place, sameGeometry, type Placement, type TimerGeometry } from './timer-placement.js';
import { slotOf, TimerWheel } from './timer-wheel.js';

/** A wheel snapshot is written at most this often (recovery replays the log written since). */
const SNAPSHOT_INTERVAL_MS = 10_000;

export interface TimerStoreOptions {
  readonly fs: StoreFileSystem;
  readonly rootDir: string;
  readonly geometry: TimerGeometry;
  readonly segmentBytes: number;
  readonly refreshAfterMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What a record to link says (the rest of the 56 bytes is computed). */
export interface LinkRequest {
  readonly dueMs: number;
  readonly storeMs: number;
  readonly commitLogOffset: number;
  readonly messageSize: number;
  readonly isDelete: boolean;
}

export interface Progress {
  readonly loadSlot: number;
  readonly deliveredSlot: number;
  readonly coarseSlot: number;
  readonly transferredSlot: number;
}

export class TimerStore {
  geometry: TimerGeometry;
  fine!: TimerWheel;
  coarse!: TimerWheel;
  log!: TimerLog;
  loadSlot = 0;
  deliveredSlot = 0;
  coarseSlot = 0;
  transferredSlot = 0;
  /** The rmq_sys_wheel_timer offset the checkpoint loaded (undefined: a new timer). */
  recoveredQueueOffset: number | undefined;
  /** Where the transfer of coarse slot transferredSlot goes on (NO_TRANSFER: from its start). */
  recoveredTransferCursor = NO_TRANSFER;
  private version: DataVersion;
  private lastSnapshotAt = Number.NEGATIVE_INFINITY;
  /**
   * Log end and segment count of the last snapshot written. The wheels and the segments' reaches
   * change only when the log grows, the reaches also when segments go: while neither happened, a
   * due snapshot would rewrite the same bytes (a copy and CRC of the wheels on the event loop,
   * several ms for the default 36,000 fine slots, every SNAPSHOT_INTERVAL_MS on an idle timer).
   */
  private snapshotOf: { readonly position: number; readonly segments: number } | undefined;
  private syncedPosition = 0;
  private lastWritten: TimerCheckpoint | undefined;
  private readonly scratch = Buffer.alloc(TIMER_RECORD_BYTES);
  private readonly dir: string;

  constructor(private readonly options: TimerStoreOptions) {
    this.geometry = options.geometry;
    this.dir = join(options.rootDir, 'timer');
    this.version = { stateVersion: 0, timestamp: options.clock.now(), counter: 0 };
  }

  get checkpointPath(): string {
    return join(this.dir, 'checkpoint');
  }

  get snapshotPath(): string {
    return join(this.dir, 'wheel');
  }

  /** Opens the files and recovers the state they hold. */
  async recover(): Promise<void> {
    const { fs, logger } = this.options;
    await fs.ensureDir(this.dir);
    const checkpointBytes = await readFileIfExists(this.checkpointPath);
    const checkpoint = checkpointBytes === undefined ? undefined : decodeCheckpoint(checkpointBytes);
    if (checkpoint === undefined) {
      if (checkpointBytes !== undefined) logger.error({ file: this.checkpointPath }, 'the timer checkpoint is unreadable; starting a new timer');
      await this.startNew();
      return;
    }
    if (!sameGeometry(checkpoint.geometry, this.options.geometry)) {
      logger.warn({ stored: checkpoint.geometry, configured: this.options.geometry }, 'the timer keeps the precision and slots it was created with');
    }
    this.geometry = checkpoint.geometry;
    this.version = checkpoint.dataVersion;
    this.fine = new TimerWheel(this.geometry.fineSlots, this.geometry.fineSlotMs);
    this.coarse = new TimerWheel(this.geometry.coarseSlots, this.geometry.coarseSlotMs);
    this.log = await TimerLog.open({ fs, dir: join(this.dir, 'log'), segmentBytes: this.options.segmentBytes, logger });
    this.deliveredSlot = this.loadSlot = slotOf(checkpoint.lastReadTimeMs, this.geometry.fineSlotMs);
    this.transferredSlot = this.coarseSlot = slotOf(checkpoint.coarseReadTimeMs, this.geometry.coarseSlotMs);
    this.recoveredQueueOffset = checkpoint.lastTimerQueueOffset;
    this.recoveredTransferCursor = checkpoint.transferCursor;
    const from = await this.loadSnapshot();
    const end = await this.log.scan(from, (position, record) => this.replay(position, record));
    this.syncedPosition = end;
    logger.info({ from, end, deliveredSlot: this.deliveredSlot, coarseSlot: this.coarseSlot, queueOffset: this.recoveredQueueOffset }, 'timer recovered');
  }

  private async startNew(): Promise<void> {
    const { fs, logger, clock } = this.options;
    await fs.removeTree(join(this.dir, 'log'));
    await fs.remove(this.snapshotPath);
    this.geometry = this.options.geometry;
    this.fine = new TimerWheel(this.geometry.fineSlots, this.geometry.fineSlotMs);
    this.coarse = new TimerWheel(this.geometry.coarseSlots, this.geometry.coarseSlotMs);
    this.log = await TimerLog.open({ fs, dir: join(this.dir, 'log'), segmentBytes: this.options.segmentBytes, logger });
    this.deliveredSlot = this.loadSlot = slotOf(clock.now(), this.geometry.fineSlotMs);
    this.transferredSlot = this.coarseSlot = firstCoarseBeyond(this.geometry, this.loadSlot);
    this.recoveredQueueOffset = undefined;
  }

  /** Loads the wheel snapshot; returns the log position replay starts at. */
  private async loadSnapshot(): Promise<number> {
    const bytes = await readFileIfExists(this.snapshotPath);
    const snapshot: WheelSnapshot | undefined = bytes === undefined ? undefined : decodeSnapshot(bytes);
    if (snapshot === undefined || !sameGeometry(snapshot.geometry, this.geometry) || snapshot.logPosition > this.log.endPosition) {
      if (this.log.endPosition > this.log.firstPosition) this.options.logger.warn({ file: this.snapshotPath }, 'no usable timer wheel snapshot; rebuilding the wheels from the whole log');
      return this.log.firstPosition;
    }
    snapshot.fine.copy(this.fine.bytes);
    snapshot.coarse.copy(this.coarse.bytes);
    this.log.restoreReaches(snapshot.segments);
    return snapshot.logPosition;
  }

  private replay(position: number, record: TimerLogRecord): void {
    const coarse = isRoll(record.magic);
    this.log.noteReach(position, record.slot, coarse);
    if (coarse && record.slot >= this.transferredSlot) this.coarse.relink(record.slot, position, isDelete(record.magic));
    if (!coarse && record.slot >= this.deliveredSlot) this.fine.relink(record.slot, position, isDelete(record.magic));
  }

  /** Where a message due at `dueMs`, stored at `storeMs`, waits now. */
  place(dueMs: number, storeMs: number): Placement {
    return place(dueMs, storeMs, this.options.refreshAfterMs, this.geometry, { loadSlot: this.loadSlot, coarseSlot: this.coarseSlot });
  }

  /** Appends a record for `request` and links it into `slot` of the fine or coarse wheel. */
  link(wheel: 'fine' | 'coarse', slot: number, request: LinkRequest): void {
    const target = wheel === 'fine' ? this.fine : this.coarse;
    const position = this.log.endPosition;
    const prevPos = target.link(slot, position, request.isDelete);
    const magic = TimerMagic.DEFAULT | (wheel === 'coarse' ? TimerMagic.ROLL : 0) | (request.isDelete ? TimerMagic.DELETE : 0);
    const { dueMs, storeMs, commitLogOffset, messageSize } = request;
    encodeTimerRecord({ magic, prevPos, slot, dueMs, storeMs, commitLogOffset, messageSize }, this.scratch, 0);
    const appended = this.log.append(this.scratch, slot, wheel === 'coarse');
    if (appended !== position) throw new Error(`timer log appended at ${appended}, expected ${position}`);
  }

  progress(): Progress {
    return { loadSlot: this.loadSlot, deliveredSlot: this.deliveredSlot, coarseSlot: this.coarseSlot, transferredSlot: this.transferredSlot };
  }

  /** The checkpoint as it would be written now, with the enqueue and transfer progress given. */
  checkpoint(queueOffset: number, transferCursor = NO_TRANSFER): TimerCheckpoint {
    return {
      lastReadTimeMs: this.deliveredSlot * this.geometry.fineSlotMs,
      lastTimerLogFlushPos: this.syncedPosition,
      lastTimerQueueOffset: queueOffset,
      masterTimerQueueOffset: queueOffset,
      dataVersion: this.version,
      coarseReadTimeMs: this.transferredSlot * this.geometry.coarseSlotMs,
      geometry: this.geometry,
      transferCursor,
    };
  }

  /** Makes the state up to now durable (see the header); `force` writes a snapshot too. */
  async flush(queueOffset: number, transferCursor: number, force: boolean): Promise<void> {
    const now = this.options.clock.now();
    const position = this.log.endPosition;
    let snapshot: Buffer | undefined;
    let snapshotOf: { readonly position: number; readonly segments: number } | undefined;
    if (force || now - this.lastSnapshotAt >= SNAPSHOT_INTERVAL_MS) {
      const segments = this.log.reaches();
      snapshotOf = { position, segments: segments.length };
      const unchanged = !force && this.snapshotOf?.position === position && this.snapshotOf.segments === segments.length;
      if (!unchanged) snapshot = encodeSnapshot({ logPosition: position, geometry: this.geometry, fine: this.fine.bytes, coarse: this.coarse.bytes, segments });
    }
    const previous = this.checkpoint(queueOffset, transferCursor);
    const deliveredSlot = this.deliveredSlot;
    const transferredSlot = this.transferredSlot;
    this.syncedPosition = Math.max(this.syncedPosition, await this.log.sync());
    if (snapshot !== undefined) {
      await writeFileAtomically(this.snapshotPath, snapshot);
      this.snapshotOf = snapshotOf;
    }
    if (snapshotOf !== undefined) this.lastSnapshotAt = now;
    const changed = previous.lastReadTimeMs !== this.lastWritten?.lastReadTimeMs || previous.lastTimerQueueOffset !== this.lastWritten?.lastTimerQueueOffset;
    if (changed) this.version = { ...this.version, timestamp: now, counter: this.version.counter + 1 };
    const checkpoint = { ...previous, lastTimerLogFlushPos: this.syncedPosition, dataVersion: this.version };
    await writeFileAtomically(this.checkpointPath, encodeCheckpoint(checkpoint));
    this.lastWritten = checkpoint;
    const removed = await this.log.removeDead((reach) => reach.maxFineSlot < deliveredSlot && reach.maxCoarseSlot < transferredSlot);
    if (removed > 0) this.options.logger.info({ removed }, 'removed timer log segments whose messages are all delivered');
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}
