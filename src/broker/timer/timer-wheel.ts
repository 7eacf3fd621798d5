/**
 * timer-wheel.ts: a timing wheel: a fixed ring of slots, each the head of a chain of timer log
 * records due in that slot (TimerWheel.java, Slot.java). The wheel is an index, not a store: it
 * holds no message, only where each slot's chain ends, so its size is fixed by its slot count
 * whatever the number of messages scheduled.
 *
 * Slot entry, 32 bytes, big-endian, Java's Slot layout:
 * | off | bytes | field                                                                    |
 * |-----|-------|--------------------------------------------------------------------------|
 * | 0   | 8     | slot: absolute slot number (time ms / slot ms) the entry currently holds |
 * | 8   | 8     | firstPos: timer log position of the slot's first record                 |
 * | 16  | 8     | lastPos: timer log position of its last record (the chain's head)       |
 * | 24  | 4     | num: records linked                                                      |
 * | 28  | 4     | magic: TimerMagic.DELETE when a recall marker is linked (Java: unused)  |
 *
 * Slot arithmetic: a time t ms is in slot floor(t / slotMs); slot n lives in entry n mod
 * slotCount. An entry whose stored slot number differs from the one asked for (an earlier turn of
 * the ring) or that holds no record is an empty slot.
 *
 * Invariants: an entry's chain links only records of its slot, newest first, through prevPos;
 * lastPos is the largest position linked. Must not: do I/O (the owner snapshots `bytes`).
 */
import { readLong, writeLong } from '../../message/index.js';
import { TimerMagic } from './timer-const.js';

export const SLOT_BYTES = 32;

const At = { SLOT: 0, FIRST_POS: 8, LAST_POS: 16, NUM: 24, MAGIC: 28 } as const;

export interface SlotEntry {
  readonly slot: number;
  readonly firstPos: number;
  readonly lastPos: number;
  readonly num: number;
  readonly magic: number;
}

/** The slot a time falls in. */
export function slotOf(timeMs: number, slotMs: number): number {
  return Math.floor(timeMs / slotMs);
}

/** Where slot `slot` lives in a ring of `slotCount` entries. */
export function entryIndexOf(slot: number, slotCount: number): number {
  const index = slot % slotCount;
  return index < 0 ? index + slotCount : index;
}

export function encodeSlot(entry: SlotEntry, target: Buffer, at: number): void {
  writeLong(target, entry.slot, at + At.SLOT);
  writeLong(target, entry.firstPos, at + At.FIRST_POS);
  writeLong(target, entry.lastPos, at + At.LAST_POS);
  target.writeInt32BE(entry.num, at + At.NUM);
  target.writeInt32BE(entry.magic, at + At.MAGIC);
}

export function decodeSlot(source: Buffer, at: number): SlotEntry {
  return {
    slot: readLong(source, at + At.SLOT),
    firstPos: readLong(source, at + At.FIRST_POS),
    lastPos: readLong(source, at + At.LAST_POS),
    num: source.readInt32BE(at + At.NUM),
    magic: source.readInt32BE(at + At.MAGIC),
  };
}

export class TimerWheel {
  /** The ring, slotCount entries of SLOT_BYTES; the owner writes it out as it is. */
  readonly bytes: Buffer;

  constructor(
    readonly slotCount: number,
    readonly slotMs: number,
    bytes?: Buffer,
  ) {
    if (!Number.isSafeInteger(slotCount) || slotCount < 2) throw new Error(`a wheel needs at least 2 slots, not ${slotCount}`);
    if (bytes !== undefined && bytes.length !== slotCount * SLOT_BYTES) {
      throw new Error(`a wheel of ${slotCount} slots has ${slotCount * SLOT_BYTES} bytes, not ${bytes.length}`);
    }
    this.bytes = bytes ?? Buffer.alloc(slotCount * SLOT_BYTES);
  }

  /** The entry of `slot`, or undefined when the slot is empty. */
  entry(slot: number): SlotEntry | undefined {
    const entry = decodeSlot(this.bytes, entryIndexOf(slot, this.slotCount) * SLOT_BYTES);
    return entry.slot === slot && entry.num > 0 ? entry : undefined;
  }

  /** Links the record appended at `position` into `slot`; returns the prevPos it must carry. */
  link(slot: number, position: number, isDelete: boolean): number {
    const current = this.entry(slot);
    encodeSlot(
      {
        slot,
        firstPos: current?.firstPos ?? position,
        lastPos: position,
        num: (current?.num ?? 0) + 1,
        magic: (current?.magic ?? 0) | (isDelete ? TimerMagic.DELETE : 0),
      },
      this.bytes,
      entryIndexOf(slot, this.slotCount) * SLOT_BYTES,
    );
    return current?.lastPos ?? -1;
  }

  /**
   * Recovery: links a record read back from the log unless the entry already covers it, so
   * replaying records a snapshot already holds changes nothing.
   */
  relink(slot: number, position: number, isDelete: boolean): void {
    const current = this.entry(slot);
    if (current !== undefined && position <= current.lastPos) return;
    this.link(slot, position, isDelete);
  }

  /** Records linked into the slots from `fromSlot` on, one turn of the ring (GET_TIMER_METRICS, logs). */
  countFrom(fromSlot: number): number {
    let total = 0;
    for (let slot = fromSlot; slot < fromSlot + this.slotCount; slot++) total += this.entry(slot)?.num ?? 0;
    return total;
  }
}
