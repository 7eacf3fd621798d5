/**
 * recover.ts: brings the store back to a consistent state at start, before any put or pull.
 *
 * The rule: the checkpoint's consumeQueueSafeOffset C says that every CommitLog byte below C and
 * every ConsumeQueue entry of a record below C was fdatasync'ed. So:
 * 1. Load the ConsumeQueues, keeping only valid entries that point below C.
 * 2. Scan the CommitLog from a safe point, checking magic, sizes, PHYSICALOFFSET and BODYCRC
 *    (commit-log-scanner.ts): from C after a crash (the abort file is there), from the start of
 *    the last segment (or C if lower) after a clean shutdown. Re-dispatch every record at or past
 *    C into its ConsumeQueue (a record already indexed is ignored).
 * 3. Truncate the CommitLog at the first bad record, logging what was dropped; drop ConsumeQueue
 *    entries that point past the new end.
 * 4. fdatasync what was re-dispatched and the CommitLog tail, so the new end is the new safe point.
 * Without a usable checkpoint of ours, C is the CommitLog's first offset: everything is re-checked.
 * So recovery reads what was written since the last checkpoint, not the whole store.
 *
 * Must not: accept puts, fire arrival listeners, or remove data it has not proven bad.
 */
import { findProperty, MessageConst, tagsCode, type MessageRecord } from '../../message/index.js';
import type { Logger } from '../../log/index.js';
import type { CommitLog } from '../commitlog/commit-log.js';
import type { ConsumeQueueStore } from '../consumequeue/consume-queue-store.js';
import type { Checkpoint } from '../checkpoint/checkpoint.js';
import type { QueueOffsetTable } from '../queue-offset-table.js';
import { scanCommitLog } from './commit-log-scanner.js';

/** Entries re-dispatched before they are written out, to bound memory during recovery. */
const RECOVERY_PENDING_ENTRIES_MAX = 256 * 1024;
/** Bytes the scanner reads at a time. */
const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

export interface RecoveryInput {
  readonly commitLog: CommitLog;
  readonly consumeQueues: ConsumeQueueStore;
  readonly queueOffsets: QueueOffsetTable;
  readonly checkpoint: Checkpoint | undefined;
  /** The abort file was there: the last run did not shut down cleanly. */
  readonly crashed: boolean;
  readonly checkCrc: boolean;
  readonly logger: Logger;
  /** The ConsumeQueue tag hash of a stored record (the broker's rule; TAGS hash by default). */
  readonly tagsCodeOf?: (record: MessageRecord) => number;
}

export interface RecoveryResult {
  /** Where the CommitLog ends: the next append goes here. */
  readonly end: number;
  /** Store time of the last record, when known. */
  readonly lastStoreTimestamp: number;
}

/** RocketMQ's rule: the hash of the TAGS property, 0 without one. */
export function defaultTagsCodeOf(record: MessageRecord): number {
  return tagsCode(findProperty(record.properties, MessageConst.TAGS));
}

export async function recover(input: RecoveryInput): Promise<RecoveryResult> {
  const { commitLog, consumeQueues, logger } = input;
  const filesEnd = (await commitLog.file.load()) ?? 0;
  const safe = safeOffset(input, filesEnd);
  const lastStart = commitLog.file.lastStart ?? safe;
  const from = input.crashed || input.checkpoint?.consumeQueueSafeOffset === undefined ? safe : Math.min(safe, lastStart);
  logger.info({ crashed: input.crashed, safeOffset: safe, scanFrom: from, filesEnd }, 'recovering the store');
  await consumeQueues.load(safe);
  const tagsCodeOf = input.tagsCodeOf ?? defaultTagsCodeOf;
  const scan = await scanCommitLog(commitLog.file, from, { checkCrc: input.checkCrc, chunkBytes: SCAN_CHUNK_BYTES }, async (record) => {
    if (record.commitLogOffset < safe) return;
    consumeQueues.dispatch({
      topic: record.topic,
      queueId: record.queueId,
      queueOffset: record.queueOffset,
      commitLogOffset: record.commitLogOffset,
      size: record.size,
      tagsCode: tagsCodeOf(record),
    });
    if (consumeQueues.pendingEntries >= RECOVERY_PENDING_ENTRIES_MAX) await consumeQueues.flush('NONE');
  });
  if (scan.end < filesEnd || scan.stop.kind !== 'END') {
    logger.warn({ truncateAt: scan.end, filesEnd, stop: scan.stop }, 'CommitLog: truncating at the first bad record');
    await commitLog.file.truncate(scan.end);
  }
  if (scan.end < safe) await consumeQueues.truncateAtCommitLogOffset(scan.end);
  for (const queue of consumeQueues.all()) input.queueOffsets.set(queue.topic, queue.queueId, queue.maxOffset);
  await consumeQueues.flush('ALL');
  await commitLog.file.sync(Math.min(from, scan.end), scan.end);
  logger.info({ end: scan.end, scanned: scan.records, stop: scan.stop.kind }, 'store recovered');
  return { end: scan.end, lastStoreTimestamp: scan.lastStoreTimestamp ?? input.checkpoint?.physicMsgTimestamp ?? 0 };
}

/** C: the checkpoint's safe offset, when it is ours and consistent with the files. */
function safeOffset(input: RecoveryInput, filesEnd: number): number {
  const first = input.commitLog.file.firstStart;
  const claimed = input.checkpoint?.consumeQueueSafeOffset;
  if (claimed === undefined) return first;
  if (claimed < first || claimed > filesEnd) {
    input.logger.warn({ claimed, first, filesEnd }, 'checkpoint does not match the CommitLog files; re-checking all of it');
    return first;
  }
  return claimed;
}
