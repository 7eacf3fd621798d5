/**
 * timer-read.ts: reading what the timer's records point at: a slot's records from the timer log,
 * and the waiting messages from the CommitLog (copied out, so a held message pins only its own
 * bytes). Shared by the slot loads and the coarse transfers.
 *
 * A slot's records are read one of two ways, chosen from its entry. Walk: follow the chain from
 * lastPos back through prevPos, one record (one cached 4 KB block) at a time; a chain is trusted
 * only while every record is whole, belongs to the slot, and points further back (anything else
 * ends the walk with an error log: the rest of the slot is lost, never delivered twice or early).
 * Scan: read the range firstPos..lastPos in 1 MB pieces and keep the whole records of the slot;
 * chosen when the slot's records are at least 1/256 of its range (or the range is under 1 MB),
 * because pointer chasing through a dense range costs one read per record where a scan costs
 * one per megabyte (a transfer's output, messages scheduled in due order).
 */
import { decodeRecord, type MessageRecord } from '../../message/index.js';
import type { MessageStore, PutMessageResult } from '../../store/index.js';
import type { Logger } from '../../log/index.js';
import type { TimerLog } from './timer-log.js';
import { decodeTimerRecord, isRoll, TIMER_RECORD_BYTES, type TimerLogRecord } from './timer-log-record.js';
import { timerRefresh } from './timer-route.js';
import type { SlotEntry } from './timer-wheel.js';

/** Records asked of the store at once (it reads them with at most 8 reads in flight). */
const READ_SPANS_MAX = 1024;
const SCAN_BYTES = 18_724 * TIMER_RECORD_BYTES; // 1 MiB, whole records
const SCAN_DENSITY = 256;

/** Where reading a slot goes on: the next record of a walk (-1: none), or the next scan position. */
export interface SlotCursor {
  readonly mode: 'walk' | 'scan';
  readonly position: number;
}

/** A record and where it is in the log. */
export type LocatedRecord = TimerLogRecord & { readonly position: number };

export interface SlotStep {
  readonly records: LocatedRecord[];
  /** Undefined once the slot is read whole. */
  readonly cursor: SlotCursor | undefined;
}

export interface SlotWhere {
  readonly slot: number;
  readonly coarse: boolean;
}

/** How to read the slot `entry` holds: scan a dense range, walk a sparse one. */
export function firstCursor(entry: SlotEntry): SlotCursor {
  const span = entry.lastPos + TIMER_RECORD_BYTES - entry.firstPos;
  const dense = span <= SCAN_BYTES || span <= entry.num * TIMER_RECORD_BYTES * SCAN_DENSITY;
  return dense ? { mode: 'scan', position: entry.firstPos } : { mode: 'walk', position: entry.lastPos };
}

/** A cursor as the checkpoint keeps it: a walk position (>= -1), or a scan position p as -(p + 3). */
export function encodeCursor(cursor: SlotCursor | undefined, done: number): number {
  if (cursor === undefined) return done;
  return cursor.mode === 'walk' ? cursor.position : -(cursor.position + 3);
}

export function decodeCursor(value: number): SlotCursor {
  return value >= -1 ? { mode: 'walk', position: value } : { mode: 'scan', position: -value - 3 };
}

/** Reads up to `max` more records of the slot. */
export function readSlot(log: TimerLog, logger: Logger, where: SlotWhere, entry: SlotEntry, cursor: SlotCursor, max: number): Promise<SlotStep> {
  return cursor.mode === 'walk' ? walk(log, logger, where, cursor.position, max) : scan(log, where, entry, cursor.position, max);
}

/** Where reading goes on after `record` (read with `mode`), or undefined when it was the last. */
export function cursorAfter(mode: SlotCursor['mode'], record: LocatedRecord, entry: SlotEntry): SlotCursor | undefined {
  if (mode === 'walk') return record.prevPos === -1 ? undefined : { mode, position: record.prevPos };
  const next = record.position + TIMER_RECORD_BYTES;
  return next <= entry.lastPos ? { mode, position: next } : undefined;
}

async function walk(log: TimerLog, logger: Logger, where: SlotWhere, from: number, max: number): Promise<SlotStep> {
  const records: LocatedRecord[] = [];
  let position = from;
  while (position !== -1 && records.length < max) {
    const record = await log.readRecord(position);
    if (record === undefined || record.slot !== where.slot || isRoll(record.magic) !== where.coarse || record.prevPos >= position || record.prevPos < -1) {
      logger.error({ ...where, position, record }, 'a timer slot chain is broken; the rest of the slot is lost');
      return { records, cursor: undefined };
    }
    records.push({ ...record, position });
    position = record.prevPos;
  }
  return { records, cursor: position === -1 ? undefined : { mode: 'walk', position } };
}

async function scan(log: TimerLog, where: SlotWhere, entry: SlotEntry, from: number, max: number): Promise<SlotStep> {
  const records: LocatedRecord[] = [];
  const end = entry.lastPos + TIMER_RECORD_BYTES;
  const slotHigh = Math.floor(where.slot / 2 ** 32);
  const slotLow = where.slot - slotHigh * 2 ** 32;
  let position = from;
  while (position < end) {
    const bytes = await log.readRange(position, Math.min(SCAN_BYTES, end - position));
    if (bytes.length === 0) break;
    for (let at = 0; at + TIMER_RECORD_BYTES <= bytes.length; at += TIMER_RECORD_BYTES) {
      // The slot and level are compared in place; only a match is decoded (and its CRC checked).
      if (bytes.readUInt32BE(at + 20) !== slotLow || bytes.readInt32BE(at + 16) !== slotHigh) continue;
      const record = decodeTimerRecord(bytes, at);
      if (record === undefined || isRoll(record.magic) !== where.coarse) continue;
      records.push({ ...record, position: position + at });
      if (records.length === max) {
        const next = position + at + TIMER_RECORD_BYTES;
        return { records, cursor: next < end ? { mode: 'scan', position: next } : undefined };
      }
    }
    position += bytes.length;
  }
  return { records, cursor: undefined };
}

/** The message a record points at, or undefined (gone from the CommitLog, or not that record). */
export async function readMessage(store: MessageStore, record: TimerLogRecord): Promise<MessageRecord | undefined> {
  const bytes = await store.selectOneMessageByOffset(record.commitLogOffset);
  if (bytes === undefined || bytes.length !== record.messageSize) return undefined;
  const decoded = decodeRecord(Buffer.from(bytes), 0);
  return decoded.kind === 'MESSAGE' ? decoded.message : undefined;
}

/** The messages of `records`, in their order, READ_SPANS_MAX at a time (the store reads nearby ones together). */
export async function readMessages(store: MessageStore, records: readonly TimerLogRecord[]): Promise<(MessageRecord | undefined)[]> {
  const out: (MessageRecord | undefined)[] = [];
  for (let from = 0; from < records.length; from += READ_SPANS_MAX) {
    const batch = records.slice(from, from + READ_SPANS_MAX);
    const found = await store.selectMessagesBySpans(batch.map((record) => ({ offset: record.commitLogOffset, size: record.messageSize })));
    for (const bytes of found) {
      const decoded = bytes === undefined ? undefined : decodeRecord(Buffer.from(bytes), 0);
      out.push(decoded?.kind === 'MESSAGE' ? decoded.message : undefined);
    }
  }
  return out;
}

/** Lets timers and I/O run between chunks of synchronous work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** What a put's result means for the timer: stored, refused for good, or try again later. */
export type PutVerdict = { readonly kind: 'stored' } | { readonly kind: 'refused' | 'busy'; readonly status: string; readonly reason: string };

export function judgePut(result: PutMessageResult): PutVerdict {
  if ('messages' in result) return { kind: 'stored' };
  const refused = result.status === 'MESSAGE_ILLEGAL' || result.status === 'PROPERTIES_SIZE_EXCEEDED';
  return { kind: refused ? 'refused' : 'busy', status: result.status, reason: result.reason };
}

/**
 * Stores a waiting message again (a refresh). True when done (stored, or refused for good, which
 * is logged); false when the store cannot take it now.
 */
export async function storeAgain(store: MessageStore, message: MessageRecord, logger: Logger): Promise<boolean> {
  const where = { commitLogOffset: message.commitLogOffset };
  let verdict: PutVerdict;
  try {
    verdict = judgePut(await store.putMessage(timerRefresh(message)));
  } catch (error) {
    logger.error({ ...where, err: error }, 'storing a timer message again failed');
    return false;
  }
  if (verdict.kind === 'stored') return true;
  if (verdict.kind === 'refused') {
    logger.error({ ...where, status: verdict.status, reason: verdict.reason }, 'the store refuses a timer message stored again; skipped');
    return true;
  }
  logger.warn({ ...where, status: verdict.status, reason: verdict.reason }, 'the store cannot take a timer message again now');
  return false;
}
