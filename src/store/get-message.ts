/**
 * get-message.ts: a pull's read, with RocketMQ's semantics (DefaultMessageStore.getMessage): check
 * the offset against the queue, scan at most max(maxFilterMessageSize, maxMsgNums * 20) bytes of
 * ConsumeQueue entries, filter on the tag hash, then on the record, and stop at maxMsgNums,
 * maxTransferCountOnMessageInMemory, or before maxBytes / maxTransferBytesOnMessageInMemory would
 * be passed (the first record always goes). nextBeginOffset moves past every entry looked at.
 *
 * Records are read in rounds: the entries that would fit if every record passed the record
 * filter are read together (one coalesced read); when the filter drops some, scanning goes on
 * from where the round stopped. The outcome is the one Java's one-by-one loop gives.
 * Must not: change the queue or the CommitLog.
 */
import { decodeRecord } from '../message/index.js';
import type { CommitLog } from './commitlog/commit-log.js';
import type { ReadSpan } from './commitlog/record-reader.js';
import type { ConsumeQueueStore } from './consumequeue/consume-queue-store.js';
import { CQ_ENTRY_BYTES, decodeCqEntry, isCqEntryValid } from './consumequeue/cq-entry.js';
import type { GetMessageRequest, GetMessageResult, GetMessageStatus, MessageFilter } from './message-store.js';

/** Java's MAX_PULL_MSG_SIZE: no pull returns more, whatever maxBytes says. */
const PULL_BYTES_MAX = 128 * 1024 * 1024;
/** Java raises a smaller maxBytes to this. */
const PULL_BYTES_MIN = 100;

export interface GetMessageLimits {
  readonly maxFilterMessageSize: number;
  readonly maxTransferBytesOnMessageInMemory: number;
  readonly maxTransferCountOnMessageInMemory: number;
}

export interface GetMessageDeps {
  readonly consumeQueues: ConsumeQueueStore;
  readonly commitLog: Pick<CommitLog, 'minOffset' | 'readRecords'>;
  readonly limits: GetMessageLimits;
}

interface Pick_ {
  readonly queueOffset: number;
  readonly span: ReadSpan;
}

interface ScanState {
  readonly records: Buffer[];
  bytes: number;
  next: number;
  /** The status of the entry with the highest queue offset that gave no record (Java keeps the last one it set). */
  lastMiss: GetMessageStatus;
  lastMissAt: number;
}

function miss(state: ScanState, queueOffset: number, status: GetMessageStatus): void {
  if (queueOffset < state.lastMissAt) return;
  state.lastMiss = status;
  state.lastMissAt = queueOffset;
}

const empty = (status: GetMessageStatus, nextBeginOffset: number, minOffset: number, maxOffset: number): GetMessageResult => ({
  status,
  nextBeginOffset,
  minOffset,
  maxOffset,
  records: [],
  bytes: 0,
});

export async function getMessage(deps: GetMessageDeps, request: GetMessageRequest): Promise<GetMessageResult> {
  const queue = deps.consumeQueues.get(request.topic, request.queueId);
  if (queue === undefined) return empty('NO_MESSAGE_IN_QUEUE', 0, 0, 0);
  const min = queue.minOffset;
  const max = queue.maxOffset;
  const offset = request.offset;
  if (max === 0) return empty('NO_MESSAGE_IN_QUEUE', 0, min, max);
  if (offset < min) return empty('OFFSET_TOO_SMALL', min, min, max);
  if (offset === max) return empty('OFFSET_OVERFLOW_ONE', offset, min, max);
  if (offset > max) return empty('OFFSET_OVERFLOW_BADLY', max, min, max);
  const scanBytes = Math.max(deps.limits.maxFilterMessageSize, request.maxMsgNums * CQ_ENTRY_BYTES);
  const entries = await queue.read(offset, Math.min(Math.floor(scanBytes / CQ_ENTRY_BYTES), max - offset));
  if (entries.length === 0) return empty('OFFSET_FOUND_NULL', offset, min, max);
  const state: ScanState = { records: [], bytes: 0, next: offset, lastMiss: 'NO_MATCHED_MESSAGE', lastMissAt: -1 };
  await scanEntries(deps, request, entries, state);
  const status = state.records.length > 0 ? 'FOUND' : state.lastMiss;
  return { status, nextBeginOffset: state.next, minOffset: min, maxOffset: max, records: state.records, bytes: state.bytes };
}

async function scanEntries(deps: GetMessageDeps, request: GetMessageRequest, entries: Buffer, state: ScanState): Promise<void> {
  const count = entries.length / CQ_ENTRY_BYTES;
  const isFull = batchLimit(deps.limits, request);
  let index = 0;
  while (index < count) {
    const picks: Pick_[] = [];
    let projectedBytes = state.bytes;
    let full = false;
    for (; index < count; index++) {
      const entry = decodeCqEntry(entries, index * CQ_ENTRY_BYTES);
      if (isFull(entry.size, state.records.length + picks.length, projectedBytes)) {
        full = true;
        break;
      }
      const queueOffset = request.offset + index;
      state.next = queueOffset + 1;
      if (!isCqEntryValid(entry) || entry.commitLogOffset < deps.commitLog.minOffset) {
        miss(state, queueOffset, 'MESSAGE_WAS_REMOVING');
      } else if (request.filter !== undefined && !request.filter.isMatchedByConsumeQueue(entry.tagsCode)) {
        miss(state, queueOffset, 'NO_MATCHED_MESSAGE');
      } else {
        picks.push({ queueOffset, span: { offset: entry.commitLogOffset, size: entry.size } });
        projectedBytes += entry.size;
      }
    }
    if (picks.length === 0) return;
    const accepted = await readPicks(deps, request.filter, picks, state);
    if (!full || accepted === picks.length) return;
  }
}

/** Reads the round's records and keeps those the record filter accepts; returns how many. */
async function readPicks(deps: GetMessageDeps, filter: MessageFilter | undefined, picks: readonly Pick_[], state: ScanState): Promise<number> {
  const records = await deps.commitLog.readRecords(picks.map((pick) => pick.span));
  let accepted = 0;
  for (const [index, pick] of picks.entries()) {
    const record = records[index];
    if (record === undefined) {
      miss(state, pick.queueOffset, 'MESSAGE_WAS_REMOVING');
      continue;
    }
    if (filter?.isMatchedByCommitLog !== undefined) {
      const decoded = decodeRecord(record, 0);
      if (decoded.kind !== 'MESSAGE') {
        miss(state, pick.queueOffset, 'MESSAGE_WAS_REMOVING');
        continue;
      }
      if (!filter.isMatchedByCommitLog(decoded.message)) {
        miss(state, pick.queueOffset, 'NO_MATCHED_MESSAGE');
        continue;
      }
    }
    state.records.push(record);
    state.bytes += record.length;
    accepted += 1;
  }
  return accepted;
}

/** Java's isTheBatchFull, with every record counted as in memory. */
function batchLimit(limits: GetMessageLimits, request: GetMessageRequest): (size: number, count: number, bytes: number) => boolean {
  const maxPullBytes = Math.min(PULL_BYTES_MAX, Math.max(request.maxBytes ?? PULL_BYTES_MAX, PULL_BYTES_MIN));
  return (size, count, bytes) => {
    if (bytes === 0 || count === 0) return false;
    if (count + 1 > request.maxMsgNums) return true;
    if (bytes + size > maxPullBytes) return true;
    if (bytes + size > limits.maxTransferBytesOnMessageInMemory) return true;
    return count > limits.maxTransferCountOnMessageInMemory - 1;
  };
}

/**
 * A getMessage result's records back to back (a pull response's body): a view when they already
 * lie back to back in one buffer (readRecords copies a range's records that way), else one copy.
 */
export function joinRecords(records: readonly Buffer[], bytes: number): Buffer {
  const first = records[0];
  if (first === undefined) return Buffer.alloc(0);
  let end = first.byteOffset + first.length;
  for (let index = 1; index < records.length; index++) {
    const record = records[index] as Buffer;
    if (record.buffer !== first.buffer || record.byteOffset !== end) return Buffer.concat(records, bytes);
    end += record.length;
  }
  return end - first.byteOffset === bytes ? Buffer.from(first.buffer, first.byteOffset, bytes) : Buffer.concat(records, bytes);
}
