/**
 * queue-time.ts: questions about a queue asked by store time (RocketMQ's getOffsetInQueueByTime,
 * getEarliestMessageTime, getMessageStoreTimeStamp). The time of an entry is the STORETIMESTAMP of
 * the record it points at, so each probe is one ConsumeQueue read and one small CommitLog read.
 *
 * The search by time halves [minOffset, maxOffset): store times grow with the queue offset (they
 * are taken in CommitLog order). An entry whose record cannot be read counts as older than any
 * time, as RocketMQ counts entries below the CommitLog's minimum. Must not: change anything.
 */
import type { CommitLog } from './commitlog/commit-log.js';
import type { ConsumeQueue } from './consumequeue/consume-queue.js';

export type BoundaryType = 'lower' | 'upper';

type TimeSource = Pick<CommitLog, 'readStoreTimestamp'>;

/** Store time of the message at `queueOffset`, or undefined. */
export async function storeTimeAt(queue: ConsumeQueue, commitLog: TimeSource, queueOffset: number): Promise<number | undefined> {
  if (queueOffset < queue.minOffset || queueOffset >= queue.maxOffset) return undefined;
  const entry = await queue.entryAt(queueOffset);
  return entry === undefined ? undefined : commitLog.readStoreTimestamp(entry.commitLogOffset);
}

/**
 * 'lower': the first offset stored at or after `timestamp` (maxOffset when none is);
 * 'upper': the last offset stored at or before it (minOffset when none is).
 */
export async function offsetByTime(queue: ConsumeQueue, commitLog: TimeSource, timestamp: number, boundary: BoundaryType): Promise<number> {
  const min = queue.minOffset;
  const max = queue.maxOffset;
  if (max <= min) return max;
  // The first offset whose time passes the test; the test fails on a prefix and holds after it.
  const passes = (time: number | undefined): boolean =>
    time !== undefined && (boundary === 'lower' ? time >= timestamp : time > timestamp);
  let low = min;
  let high = max;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (passes(await storeTimeAt(queue, commitLog, middle))) high = middle;
    else low = middle + 1;
  }
  return boundary === 'lower' ? low : Math.max(min, low - 1);
}
