/**
 * consume-queue-store.ts: every ConsumeQueue of the store, by topic and queueId, under
 * <storePathConsumeQueue>/<topic>/<queueId>/. Owns dispatch into them, their write and fdatasync
 * schedule (flush()), loading at start and DELETE_TOPIC.
 *
 * Invariants: flush() calls run one at a time, and one flush writes every entry dispatched before
 * it was called; `allSynced` is true only when every entry written so far is also fdatasync'ed.
 * Entries waiting to be written are counted, so callers can bound them (pendingEntries).
 * Must not: read the CommitLog, decide what is safe to keep (recovery passes that in), or keep a
 * queue of a deleted topic.
 */
import { join } from 'node:path';
import type { Logger } from '../../log/index.js';
import type { FilePool } from '../file/file-pool.js';
import { SegmentedFile } from '../file/segmented-file.js';
import { SerialExecutor } from '../serial-executor.js';
import { ConsumeQueue, type QueuedCqEntry } from './consume-queue.js';
import { CqReadCache } from './read-cache.js';

/** What the CommitLog hands over for each stored message. */
export interface CqDispatch extends QueuedCqEntry {
  readonly topic: string;
  readonly queueId: number;
  /** The record's properties and sysFlag, for the index (index/); absent: nothing to index. */
  readonly properties?: string;
  readonly sysFlag?: number;
}

/** Which written entries a flush fdatasyncs: none, those of queues past the threshold, or all. */
export type SyncPolicy = 'NONE' | 'DUE' | 'ALL';

/** Entries each queue keeps in memory for tail-following reads. */
export const CQ_TAIL_ENTRIES = 128;
/** Queues loaded, truncated or corrected at once (start-up and recovery). */
const QUEUE_IO_PARALLEL = 16;
/**
 * Queues written or fdatasync'ed at once by a flush. The flush runs in the background beside the
 * puts and pulls, on the same libuv threadpool (4 threads by default): one fdatasync can take tens
 * of ms on a busy disk, and 16 at once held every thread, so CommitLog writes and pull reads
 * queued behind them (end-to-end tails of hundreds of ms). One at a time leaves the other threads
 * to the request path; a flush round still writes everything dispatched before it.
 */
const QUEUE_FLUSH_PARALLEL = 1;

export class ConsumeQueueStore {
  private readonly queues = new Map<string, Map<number, ConsumeQueue>>();
  private readonly unwritten = new Set<ConsumeQueue>();
  private readonly unsynced = new Set<ConsumeQueue>();
  private readonly flushes = new SerialExecutor();
  /** Entries last read from the files, for the pulls that follow (bounded). */
  private readonly readCache = new CqReadCache();
  private pending = 0;

  constructor(
    private readonly pool: FilePool,
    readonly root: string,
    private readonly fileBytes: number,
    /** A queue with at least this many unsynced bytes is synced by a 'DUE' flush. */
    private readonly syncLeastBytes: number,
    private readonly logger: Logger,
  ) {}

  /** Entries dispatched and not yet written, over all queues. */
  get pendingEntries(): number {
    return this.pending;
  }

  get(topic: string, queueId: number): ConsumeQueue | undefined {
    return this.queues.get(topic)?.get(queueId);
  }

  /** Every queue, for rebuilding the queue offset table. */
  *all(): IterableIterator<ConsumeQueue> {
    for (const byId of this.queues.values()) yield* byId.values();
  }

  /** Loads every queue found on disk, dropping entries at or past `safeCommitLogOffset`. */
  async load(safeCommitLogOffset: number): Promise<void> {
    const found: ConsumeQueue[] = [];
    for (const topic of await this.pool.fs.list(this.root)) {
      for (const name of await this.pool.fs.list(join(this.root, topic))) {
        if (!/^\d{1,10}$/.test(name) || Number(name) > 2 ** 31 - 1) continue;
        found.push(this.getOrCreate(topic, Number(name)));
      }
    }
    await inParallel(found, QUEUE_IO_PARALLEL, async (queue) => {
      const dropped = await queue.load(safeCommitLogOffset);
      if (dropped > 0) {
        this.logger.warn({ topic: queue.topic, queueId: queue.queueId, dropped, safeCommitLogOffset }, 'dropped ConsumeQueue entries past the safe point');
      }
    });
  }

  /** Appends a dispatched message's entry; a re-dispatch is ignored, a gap is logged and skipped. */
  dispatch(entry: CqDispatch): void {
    const queue = this.getOrCreate(entry.topic, entry.queueId);
    const outcome = queue.append(entry);
    if (outcome === 'APPENDED') {
      this.pending += 1;
      this.unwritten.add(queue);
    } else if (outcome === 'GAP') {
      this.logger.error(
        { topic: entry.topic, queueId: entry.queueId, queueOffset: entry.queueOffset, maxOffset: queue.maxOffset, commitLogOffset: entry.commitLogOffset },
        'record queue offset is past the ConsumeQueue end; not indexed',
      );
    }
  }

  /**
   * Writes every pending entry, then fdatasyncs per `policy`. Resolves `allSynced`: every entry
   * written so far is on disk. Flushes run one at a time.
   */
  flush(policy: SyncPolicy): Promise<boolean> {
    return this.flushes.run(async () => {
      const toWrite = [...this.unwritten];
      this.unwritten.clear();
      await inParallel(toWrite, QUEUE_FLUSH_PARALLEL, async (queue) => {
        const before = queue.pendingEntries;
        try {
          await queue.writePending();
        } catch (error) {
          this.unwritten.add(queue);
          throw error;
        }
        this.pending -= before - queue.pendingEntries;
        if (queue.pendingEntries > 0) this.unwritten.add(queue);
        if (queue.unsyncedBytes > 0) this.unsynced.add(queue);
      });
      if (policy !== 'NONE') await this.syncQueues(policy);
      return this.unsynced.size === 0;
    });
  }

  /** Drops entries pointing at or past `commitLogOffset` (recovery, after truncating the CommitLog). */
  async truncateAtCommitLogOffset(commitLogOffset: number): Promise<void> {
    await inParallel([...this.all()], QUEUE_IO_PARALLEL, async (queue) => {
      const before = queue.pendingEntries;
      const cut = await firstEntryAtOrPast(queue, commitLogOffset);
      await queue.truncate(cut);
      this.pending -= before - queue.pendingEntries;
    });
  }

  /** Moves every queue's minOffset past the entries that point below `minPhyOffset` (start). */
  async correctMinOffsets(minPhyOffset: number): Promise<void> {
    await inParallel([...this.all()], QUEUE_IO_PARALLEL, (queue) => queue.correctMinOffset(minPhyOffset));
  }

  /** Drops the queues of `topic` and removes its folder. */
  async deleteTopic(topic: string): Promise<void> {
    const byId = [...(this.queues.get(topic)?.values() ?? [])];
    this.queues.delete(topic);
    const removals = byId.map((queue) => queue.remove());
    await this.flushes.run(async () => {
      for (const queue of byId) {
        this.pending -= queue.pendingEntries;
        this.unwritten.delete(queue);
        this.unsynced.delete(queue);
      }
      await Promise.all(removals);
      // No handle may outlive the folder: a new queue of the same name must create new files.
      await this.pool.forgetTree(join(this.root, topic));
      await this.pool.fs.removeTree(join(this.root, topic));
    });
  }

  private getOrCreate(topic: string, queueId: number): ConsumeQueue {
    let byId = this.queues.get(topic);
    if (byId === undefined) {
      byId = new Map();
      this.queues.set(topic, byId);
    }
    let queue = byId.get(queueId);
    if (queue === undefined) {
      const file = new SegmentedFile(this.pool, join(this.root, topic, String(queueId)), this.fileBytes);
      queue = new ConsumeQueue(topic, queueId, file, CQ_TAIL_ENTRIES, this.readCache);
      byId.set(queueId, queue);
    }
    return queue;
  }

  private async syncQueues(policy: SyncPolicy): Promise<void> {
    const due = [...this.unsynced].filter((queue) => policy === 'ALL' || queue.unsyncedBytes >= this.syncLeastBytes);
    await inParallel(due, QUEUE_FLUSH_PARALLEL, async (queue) => {
      await queue.sync();
      if (queue.unsyncedBytes === 0) this.unsynced.delete(queue);
    });
  }
}

/** The first queue offset whose entry points at or past `commitLogOffset` (entries ascend). */
async function firstEntryAtOrPast(queue: ConsumeQueue, commitLogOffset: number): Promise<number> {
  let low = queue.minOffset;
  let high = queue.maxOffset;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const entry = await queue.entryAt(middle);
    if (entry !== undefined && entry.commitLogOffset < commitLogOffset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Runs `task` over `items`, at most `limit` at once; fails with the first error after all settle. */
async function inParallel<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        await task(item);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
