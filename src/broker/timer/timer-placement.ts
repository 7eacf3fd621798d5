/**
 * timer-placement.ts: where a scheduled message waits, as pure arithmetic over two wheels.
 *
 * Fine wheel: slots of timerPrecisionMs, timerRollWindowSlot of them; a message due within its
 * span waits in the slot of its due time. Coarse wheel: COARSE_SLOTS slots of coarseSlotMs (a
 * 32nd of the fine span, a whole number of fine slots); a message due later waits in the coarse
 * slot of its due time, and is placed again, into the fine wheel, once that whole coarse slot
 * lies within the fine span (a transfer). Due beyond the coarse span: it waits in the coarse
 * wheel's last slot and is placed again from there (Java's "roll", without copying the message).
 *
 * The CommitLog keeps a message's data for fileReservedTime after it is stored; a message due
 * later than `refreshAfterMs` past its store time must be stored again (a refresh: Java rolls
 * re-put every message every 2 days for the same reason). It waits in the coarse slot a coarse
 * slot before that deadline, and is refreshed when it is placed from there.
 *
 * Cursors: fine slots below `loadSlot` are loaded (their chains read); a message due in one of
 * them goes straight to delivery ('direct'). Coarse slots below `coarseSlot` are transferred (or
 * being transferred). Fine slot s may be linked while loadSlot <= s < loadSlot + fineSlots - 1;
 * coarse slot c while coarseSlot <= c < coarseSlot + coarseSlots - 1.
 */
import { slotOf } from './timer-wheel.js';

/** Coarse slots: 65,536 (with the default fine span of 1 hour, 85 days). */
export const COARSE_SLOTS = 65_536;
/** The coarse slot is this fraction of the fine span, so a transfer starts well before it is due. */
const COARSE_SLOTS_PER_FINE_SPAN = 32;

export interface TimerGeometry {
  readonly fineSlotMs: number;
  readonly fineSlots: number;
  readonly coarseSlotMs: number;
  readonly coarseSlots: number;
}

export function timerGeometry(precisionMs: number, fineSlots: number): TimerGeometry {
  const coarseSlotMs = precisionMs * Math.max(1, Math.floor(fineSlots / COARSE_SLOTS_PER_FINE_SPAN));
  return { fineSlotMs: precisionMs, fineSlots, coarseSlotMs, coarseSlots: COARSE_SLOTS };
}

export function sameGeometry(a: TimerGeometry, b: TimerGeometry): boolean {
  return a.fineSlotMs === b.fineSlotMs && a.fineSlots === b.fineSlots && a.coarseSlotMs === b.coarseSlotMs && a.coarseSlots === b.coarseSlots;
}

export interface TimerCursors {
  /** The next fine slot to load. */
  readonly loadSlot: number;
  /** The next coarse slot to transfer. */
  readonly coarseSlot: number;
}

export type Placement =
  | { readonly kind: 'direct' }
  | { readonly kind: 'fine'; readonly slot: number }
  | { readonly kind: 'coarse'; readonly slot: number }
  | { readonly kind: 'refresh' };

/** The end of the fine span, ms: fine slots before it may be linked. */
export function fineHorizonMs(geometry: TimerGeometry, loadSlot: number): number {
  return (loadSlot + geometry.fineSlots - 1) * geometry.fineSlotMs;
}

/** The first coarse slot not wholly within the fine span: those before it can be transferred. */
export function firstCoarseBeyond(geometry: TimerGeometry, loadSlot: number): number {
  return slotOf(fineHorizonMs(geometry, loadSlot), geometry.coarseSlotMs);
}

/**
 * Where a message due at `dueMs`, whose CommitLog copy was stored at `storeMs`, waits now.
 * `refreshAfterMs`: how long after its store time a copy must be stored again.
 */
export function place(dueMs: number, storeMs: number, refreshAfterMs: number, geometry: TimerGeometry, cursors: TimerCursors): Placement {
  const fine = slotOf(dueMs, geometry.fineSlotMs);
  if (fine < cursors.loadSlot) return { kind: 'direct' };
  if (fine < cursors.loadSlot + geometry.fineSlots - 1) return { kind: 'fine', slot: fine };
  const deadlineMs = storeMs + refreshAfterMs;
  let coarse: number;
  if (dueMs <= deadlineMs) {
    // Beyond the fine span, so beyond every transferred coarse slot too; max() only guards a
    // coarse cursor restored ahead of the fine one.
    coarse = Math.max(slotOf(dueMs, geometry.coarseSlotMs), cursors.coarseSlot);
  } else {
    coarse = slotOf(deadlineMs - geometry.coarseSlotMs, geometry.coarseSlotMs);
    if (coarse < cursors.coarseSlot) return { kind: 'refresh' };
  }
  return { kind: 'coarse', slot: Math.min(coarse, cursors.coarseSlot + geometry.coarseSlots - 2) };
}

/**
 * How long after its store time a copy is stored again: half of fileReservedTime (the CommitLog
 * keeps files at least that long after their last write), and never less than twice the fine span
 * plus a coarse slot, so a fresh copy is never due for a refresh when it is placed.
 */
export function refreshAfterMs(fileReservedTimeHours: number, geometry: TimerGeometry): number {
  const floorMs = 2 * (geometry.fineSlots * geometry.fineSlotMs + geometry.coarseSlotMs);
  return Math.max(floorMs, Math.floor((fileReservedTimeHours * 3_600_000) / 2));
}
