/**
 * recent-bytes.ts: a copy of the newest written CommitLog bytes, in a ring of fixed size, so that
 * pulls following the CommitLog's end read their records from memory: a file read is a threadpool
 * round trip (a worker wake-up and a completion on the main thread), and at a few thousand
 * messages a second almost every pull needs one.
 *
 * Invariants: holds only bytes the group writer has written (what the OS has), for one contiguous
 * CommitLog range [start, end) of at most `size` bytes; a gap or a reset starts it over. Must not:
 * hand out a view of the ring (it is overwritten): reads copy.
 */
export class RecentBytes {
  private readonly ring: Buffer;
  private start = 0;
  private end = 0;

  constructor(readonly size: number) {
    this.ring = Buffer.allocUnsafe(size);
  }

  /** Forgets everything; the next append starts the range. */
  clear(): void {
    this.start = 0;
    this.end = 0;
  }

  /** Adds the written bytes `source[at, at + length)` that sit at CommitLog `position`. */
  append(position: number, source: Buffer, at: number, length: number): void {
    if (length <= 0) return;
    if (position !== this.end || this.start === this.end) {
      this.start = position;
      this.end = position;
    }
    let from = at;
    let left = length;
    if (left > this.size) {
      // Only the last `size` bytes can be kept.
      from += left - this.size;
      left = this.size;
      this.start = position + length - this.size;
      this.end = this.start;
    }
    while (left > 0) {
      const slot = this.end % this.size;
      const count = Math.min(left, this.size - slot);
      source.copy(this.ring, slot, from, from + count);
      from += count;
      left -= count;
      this.end += count;
    }
    if (this.end - this.start > this.size) this.start = this.end - this.size;
  }

  /** A copy of CommitLog bytes [offset, offset + length), or undefined when not all of them are here. */
  read(offset: number, length: number): Buffer | undefined {
    if (length <= 0 || offset < this.start || offset + length > this.end) return undefined;
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const slot = (offset + done) % this.size;
      const count = Math.min(length - done, this.size - slot);
      this.ring.copy(out, done, slot, slot + count);
      done += count;
    }
    return out;
  }
}
