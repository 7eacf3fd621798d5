/**
 * timer-read.ts: reading what the timer's records point at: a slot's chain from the timer log,
 * and the waiting messages from the CommitLog (copied out, so a held message pins only its own
 * bytes). Shared by the slot loads and the coarse transfers.
 *
 * A chain is trusted only while every record is whole, belongs to the slot walked, and points
 * further back; anything else ends the walk with an error log (the rest of that slot is lost,
 * never delivered twice or early).
 */
import { decodeRecord, type MessageRecord } from '../../message/index.js';
import type { MessageStore, PutMessageResult } from '../../store/index.js';
import type { Logger } from '../../log/index.js';
import type { TimerLog } from './timer-log.js';
import { isRoll, type TimerLogRecord } from './timer-log-record.js';
import { timerRefresh } from './timer-route.js';

/** Records asked of the store at once (it reads them with at most 8 reads in flight). */
const READ_SPANS_MAX = 1024;

export interface ChainStep {
  readonly records: TimerLogRecord[];
  /** Where the walk goes on, -1 at the chain's end. */
  readonly next: number;
}

/** Reads up to `max` records of `slot`'s chain from `cursor` back. */
export async function walkChain(log: TimerLog, logger: Logger, where: { slot: number; coarse: boolean }, cursor: number, max: number): Promise<ChainStep> {
  const records: TimerLogRecord[] = [];
  let position = cursor;
  while (position !== -1 && records.length < max) {
    const record = await log.readRecord(position);
    if (record === undefined || record.slot !== where.slot || isRoll(record.magic) !== where.coarse || record.prevPos >= position || record.prevPos < -1) {
      logger.error({ ...where, position, record }, 'a timer slot chain is broken; the rest of the slot is lost');
      return { records, next: -1 };
    }
    records.push(record);
    position = record.prevPos;
  }
  return { records, next: position };
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
