/**
 * read-cache.ts: the ConsumeQueue entries last read from the files, per queue, for the pulls that
 * follow. A consumer reading a backlog asks for up to 800 entries (maxFilterMessageSize) per pull
 * and takes 32; without this every pull read its entries from the file again, one thread-pool
 * read per pull beside the CommitLog's. A queue reading from its files reads ahead
 * (READ_AHEAD_ENTRIES more) and keeps the chunk; the next pulls of that queue are served from it
 * while it covers them.
 *
 * Keyed by the queue object. Bounded: chunks of at most CHUNK_BYTES_MAX, for at most `queues` queues (the least recently used
 * chunk goes first). Written entries never change, so a chunk stays right until its queue is
 * truncated (recovery) or removed, which drop it. Must not: hold entries that are not in the files.
 */
import { CQ_ENTRY_BYTES } from './cq-entry.js';

/** Entries read past what a pull asks for (about 32 pulls of 32 messages). */
export const READ_AHEAD_ENTRIES = 1024;
/** The largest chunk kept: a read of more entries is not kept. */
const CHUNK_BYTES_MAX = 64 * 1024;
/** Queues with a chunk kept, by default (at most 16 MiB). */
const QUEUES_DEFAULT = 256;

interface Chunk {
  /** Queue offset of the first entry. */
  readonly start: number;
  readonly bytes: Buffer;
}

export class CqReadCache {
  /** In least-recently-used-first order (a Map iterates in insertion order). */
  private readonly chunks = new Map<object, Chunk>();

  constructor(private readonly queues = QUEUES_DEFAULT) {}

  /** Copies entries [from, to) of `queue` into `target` at `at`, if its chunk holds them all. */
  copy(queue: object, from: number, to: number, target: Buffer, at: number): boolean {
    const bytes = this.view(queue, from, to);
    if (bytes === undefined) return false;
    bytes.copy(target, at);
    return true;
  }

  /**
   * Entries [from, to) of `queue` as a view of its chunk, if the chunk holds them all. A chunk's
   * bytes are never written after keep(), so the view stays right after the chunk is dropped.
   */
  view(queue: object, from: number, to: number): Buffer | undefined {
    const chunk = this.chunks.get(queue);
    if (chunk === undefined || from < chunk.start || to > chunk.start + chunk.bytes.length / CQ_ENTRY_BYTES) return undefined;
    this.chunks.delete(queue);
    this.chunks.set(queue, chunk);
    return chunk.bytes.subarray((from - chunk.start) * CQ_ENTRY_BYTES, (to - chunk.start) * CQ_ENTRY_BYTES);
  }

  /** Keeps `bytes` (whole entries from queue offset `start`, read from the files) as `queue`'s chunk. */
  keep(queue: object, start: number, bytes: Buffer): void {
    this.chunks.delete(queue);
    if (bytes.length === 0 || bytes.length > CHUNK_BYTES_MAX || bytes.length % CQ_ENTRY_BYTES !== 0) return;
    this.chunks.set(queue, { start, bytes });
    if (this.chunks.size > this.queues) this.chunks.delete(this.chunks.keys().next().value as object);
  }

  drop(queue: object): void {
    this.chunks.delete(queue);
  }

  /** Queues with a chunk kept (for tests). */
  get size(): number {
    return this.chunks.size;
  }
}
