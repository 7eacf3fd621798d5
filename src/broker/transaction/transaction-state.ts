/**
 * transaction-state.ts: what the broker knows about open transactions, and the check progress.
 *
 * Progress is Java's: the offsets of the system group CID_RMQ_SYS_TRANS on the half queue (the
 * next half to check) and on the op queue (ops before it are no longer needed), kept by the
 * ConsumerOffsetManager in consumerOffset.json, so it survives restarts.
 *
 * The rest is rebuilt from the store on start (load) and kept in memory:
 * - `finished`: the origins (and copy offsets) that were committed, rolled back or discarded,
 *   from the op messages after the op progress, then from every decision;
 * - `copies`: the copies at or after the half progress, with their origins. The floor of
 *   `finished` is the oldest origin still in play: the half progress, or the oldest origin of a
 *   copy not yet checked. A transaction whose origin is below it is over, so a late END_TRANSACTION
 *   for it is ignored;
 * - `marks`: (op queue end, half queue end) pairs taken after each round. Every op before a mark
 *   names half offsets below its half end, so once the floor reaches that end the op progress may
 *   move to the mark.
 * Bounds: copies ≤ COPIES_MAX (a round stops checking when full), marks ≤ MARKS_MAX, finished
 * offsets as finished-offsets.ts bounds them.
 * Must not: decide transactions (end-transaction.ts) or send checks (check-service.ts).
 */
import { decodeRecord, TopicNames, type MessageRecord } from '../../message/index.js';
import type { MessageStore } from '../../store/index.js';
import type { Logger } from '../../log/index.js';
import type { ConsumerOffsetManager } from '../offset/consumer-offset-manager.js';
import { FinishedOffsets } from './finished-offsets.js';
import { HALF_QUEUE_ID, opOffsets, originOf, TRANSACTION_GROUP } from './transactional-message-util.js';

export const COPIES_MAX = 1_000_000;
export const MARKS_MAX = 1024;
/** Records read per store call while scanning a queue. */
const SCAN_BATCH = 32;

interface Copy {
  readonly offset: number;
  readonly origin: number;
}

interface Mark {
  readonly opOffset: number;
  readonly halfMax: number;
}

export class TransactionState {
  readonly finished = new FinishedOffsets();
  private copies: Copy[] = [];
  private marks: Mark[] = [];
  private half = 0;
  private op = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly offsets: ConsumerOffsetManager,
    private readonly logger: Logger,
  ) {}

  /** The next half queue offset to check. */
  get halfProgress(): number {
    return this.half;
  }

  get opProgress(): number {
    return this.op;
  }

  get copyCount(): number {
    return this.copies.length;
  }

  /** Reads the progress, the copies after it and the ops after the op progress. */
  async load(): Promise<void> {
    this.half = this.progressOf(TopicNames.TRANS_HALF_TOPIC);
    this.op = this.progressOf(TopicNames.TRANS_OP_HALF_TOPIC);
    const halfMax = this.store.getMaxOffsetInQueue(TopicNames.TRANS_HALF_TOPIC, HALF_QUEUE_ID);
    const opMax = this.store.getMaxOffsetInQueue(TopicNames.TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID);
    await this.scan(TopicNames.TRANS_HALF_TOPIC, this.half, halfMax, (record) => {
      const origin = originOf(record);
      if (origin < record.queueOffset && this.hasRoomForCopy()) this.addCopy(record.queueOffset, origin);
    });
    this.finished.raiseFloor(this.floorNow());
    let ops = 0;
    await this.scan(TopicNames.TRANS_OP_HALF_TOPIC, this.op, opMax, (record) => {
      ops++;
      for (const offset of opOffsets(record)) this.finish(offset);
    });
    this.marks = [{ opOffset: opMax, halfMax }];
    this.logger.info({ halfProgress: this.half, halfMax, opProgress: this.op, opMax, copies: this.copies.length, ops, floor: this.finished.floor }, 'transaction state loaded');
  }

  /** The committed offset of CID_RMQ_SYS_TRANS on a queue, clamped into the queue (fetchConsumeOffset). */
  private progressOf(topic: string): number {
    const min = this.store.getMinOffsetInQueue(topic, HALF_QUEUE_ID);
    const max = this.store.getMaxOffsetInQueue(topic, HALF_QUEUE_ID);
    const committed = this.offsets.query(TRANSACTION_GROUP, topic, HALF_QUEUE_ID);
    return committed < 0 ? min : Math.min(Math.max(committed, min), max);
  }

  /** Calls `visit` for every readable record of a queue from `from` to `to`. */
  async scan(topic: string, from: number, to: number, visit: (record: MessageRecord) => void): Promise<void> {
    let offset = from;
    while (offset < to) {
      const result = await this.store.getMessage({ topic, queueId: HALF_QUEUE_ID, offset, maxMsgNums: SCAN_BATCH });
      for (const bytes of result.status === 'FOUND' ? result.records : []) {
        const decoded = decodeRecord(bytes, 0);
        if (decoded.kind === 'MESSAGE') visit(decoded.message);
      }
      if (result.nextBeginOffset <= offset) return;
      offset = result.nextBeginOffset;
    }
  }

  /** True when the record's transaction is over (or below the floor). */
  isFinished(record: MessageRecord): boolean {
    return this.finished.has(originOf(record)) || this.finished.has(record.queueOffset);
  }

  /** Marks a half offset finished, logging when the bound forced older transactions out. */
  finish(offset: number): void {
    const forced = this.finished.set(offset);
    if (forced !== undefined) {
      this.logger.error({ floor: forced }, 'too many open transactions: older ones now count as finished and their decisions are ignored');
    }
  }

  /** Undoes finish() of a decision that could not be stored. */
  unfinish(offset: number): void {
    this.finished.clear(offset);
  }

  /** False when the copies are at their bound: a round then stops before putting another back. */
  hasRoomForCopy(): boolean {
    return this.copies.length < COPIES_MAX;
  }

  /** Remembers a copy put back at `offset` (offsets only grow). */
  addCopy(offset: number, origin: number): void {
    this.copies.push({ offset, origin });
  }

  private floorNow(): number {
    let floor = this.half;
    for (const copy of this.copies) floor = Math.min(floor, copy.origin);
    return floor;
  }

  /**
   * After a round: the half progress moves to `halfProgress`, copies before it go, the floor
   * rises, and the op progress moves to the last mark wholly below the floor. Both offsets are
   * committed in one synchronous step, so consumerOffset.json never holds one without the other.
   */
  advance(halfProgress: number): void {
    this.half = Math.max(this.half, halfProgress);
    this.copies = this.copies.filter((copy) => copy.offset >= this.half);
    const floor = this.floorNow();
    this.finished.raiseFloor(floor);
    const halfMax = this.store.getMaxOffsetInQueue(TopicNames.TRANS_HALF_TOPIC, HALF_QUEUE_ID);
    const opMax = this.store.getMaxOffsetInQueue(TopicNames.TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID);
    const last = this.marks[this.marks.length - 1];
    if (last === undefined || last.opOffset !== opMax || last.halfMax !== halfMax) this.marks.push({ opOffset: opMax, halfMax });
    if (this.marks.length > MARKS_MAX) this.marks.shift();
    while (this.marks[0] !== undefined && this.marks[0].halfMax <= floor) {
      this.op = Math.max(this.op, this.marks[0].opOffset);
      this.marks.shift();
    }
    this.offsets.commit(TRANSACTION_GROUP, TopicNames.TRANS_HALF_TOPIC, HALF_QUEUE_ID, this.half);
    this.offsets.commit(TRANSACTION_GROUP, TopicNames.TRANS_OP_HALF_TOPIC, HALF_QUEUE_ID, this.op);
  }
}
