/**
 * finished-offsets.ts: which half-queue offsets are finished (committed, rolled back or discarded),
 * as one bit per offset at or above a floor. Every offset below the floor counts as finished.
 *
 * Bits live in chunks of CHUNK_BITS (8 KiB each), created on first use and dropped whole when the
 * floor passes them, so memory follows the span of offsets still in play, not their count. The
 * span is bounded by CHUNKS_MAX (32 MiB of bits, 2^28 offsets): a bit beyond it raises the floor
 * over the oldest chunk, and the caller is told, since those transactions then count as finished.
 */

export const CHUNK_BITS = 65_536;
export const CHUNKS_MAX = 4096;
const WORD_BITS = 32;

export class FinishedOffsets {
  private readonly chunks = new Map<number, Uint32Array>();
  private floorOffset = 0;

  constructor(private readonly chunksMax = CHUNKS_MAX) {}

  /** Offsets below this count as finished. */
  get floor(): number {
    return this.floorOffset;
  }

  /** Chunks held (for tests and bounds). */
  get chunkCount(): number {
    return this.chunks.size;
  }

  has(offset: number): boolean {
    if (offset < this.floorOffset) return true;
    const chunk = this.chunks.get(Math.floor(offset / CHUNK_BITS));
    if (chunk === undefined) return false;
    const bit = offset % CHUNK_BITS;
    return ((chunk[bit >>> 5] ?? 0) & (1 << (bit & (WORD_BITS - 1)))) !== 0;
  }

  /**
   * Marks `offset` finished; returns the floor it had to raise to stay within CHUNKS_MAX, or
   * undefined when it did not.
   */
  set(offset: number): number | undefined {
    if (offset < this.floorOffset) return undefined;
    const index = Math.floor(offset / CHUNK_BITS);
    let chunk = this.chunks.get(index);
    let forcedFloor: number | undefined;
    if (chunk === undefined) {
      if (this.chunks.size >= this.chunksMax) {
        const lowest = Math.min(...this.chunks.keys());
        forcedFloor = (lowest + 1) * CHUNK_BITS;
        this.raiseFloor(forcedFloor);
      }
      chunk = new Uint32Array(CHUNK_BITS / WORD_BITS);
      this.chunks.set(index, chunk);
    }
    const bit = offset % CHUNK_BITS;
    chunk[bit >>> 5] = (chunk[bit >>> 5] ?? 0) | (1 << (bit & (WORD_BITS - 1)));
    return forcedFloor;
  }

  clear(offset: number): void {
    if (offset < this.floorOffset) return;
    const chunk = this.chunks.get(Math.floor(offset / CHUNK_BITS));
    if (chunk === undefined) return;
    const bit = offset % CHUNK_BITS;
    chunk[bit >>> 5] = (chunk[bit >>> 5] ?? 0) & ~(1 << (bit & (WORD_BITS - 1)));
  }

  /** Moves the floor up (never down) and drops the chunks wholly below it. */
  raiseFloor(floor: number): void {
    if (floor <= this.floorOffset) return;
    this.floorOffset = floor;
    for (const index of [...this.chunks.keys()]) {
      if ((index + 1) * CHUNK_BITS <= floor) this.chunks.delete(index);
    }
  }
}
