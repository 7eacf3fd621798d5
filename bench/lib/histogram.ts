/**
 * histogram.ts: a latency histogram with bounded memory, HdrHistogram's idea in a few lines.
 *
 * Values are microseconds (integers). Below 128 µs every value has its own bucket; above, each
 * power of two is split into 64 buckets, so a reported percentile is within 1.6% of the truth.
 * The whole range, up to 2^31 µs (about 36 minutes), is 1,728 counters (7 KiB); recording is a
 * few integer operations and never allocates. Values past the range are clamped to it.
 *
 * nowNs() is the benchmark clock: process.hrtime.bigint() less the process's start, as a number
 * of nanoseconds (exact for 104 days).
 */
const SUB_BUCKETS = 64;
const LINEAR_LIMIT = 2 * SUB_BUCKETS;
const MAX_VALUE = 2 ** 31 - 1;
const BUCKETS = SUB_BUCKETS * (31 - 6 + 1) + SUB_BUCKETS;

const BASE_NS = process.hrtime.bigint();

/** Nanoseconds since this module loaded, from the monotonic clock. */
export function nowNs(): number {
  return Number(process.hrtime.bigint() - BASE_NS);
}

function bucketOf(value: number): number {
  if (value < LINEAR_LIMIT) return value;
  const exponent = 31 - Math.clz32(value) - 6;
  return SUB_BUCKETS * (exponent + 1) + ((value >>> exponent) - SUB_BUCKETS);
}

/** The largest value that falls in `bucket`. */
function highestOf(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const exponent = Math.floor(bucket / SUB_BUCKETS) - 1;
  const sub = (bucket % SUB_BUCKETS) + SUB_BUCKETS;
  return ((sub + 1) << exponent) - 1;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  private sum = 0;
  private maxValue = 0;

  /** Records one value in microseconds (fractions are rounded; negatives count as 0). */
  record(valueUs: number): void {
    const value = valueUs <= 0 ? 0 : valueUs >= MAX_VALUE ? MAX_VALUE : Math.round(valueUs);
    this.counts[bucketOf(value)]! += 1;
    this.count++;
    this.sum += value;
    if (value > this.maxValue) this.maxValue = value;
  }

  /** Records the time since `startNs` (a nowNs() reading). */
  recordSinceNs(startNs: number): void {
    this.record((nowNs() - startNs) / 1000);
  }

  add(other: Histogram): void {
    for (let bucket = 0; bucket < BUCKETS; bucket++) this.counts[bucket]! += other.counts[bucket]!;
    this.count += other.count;
    this.sum += other.sum;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.maxValue = 0;
  }

  get meanUs(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  get maxUs(): number {
    return this.maxValue;
  }

  /** The value at `percentile` (0-100), in µs: the top of the bucket that holds it, at most max. */
  percentileUs(percentile: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((percentile / 100) * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.min(highestOf(bucket), this.maxValue);
    }
    return this.maxValue;
  }
}

/** "850 µs", "1.24 ms", "3.2 s". */
export function formatUs(valueUs: number): string {
  if (valueUs < 1000) return `${Math.round(valueUs)} µs`;
  if (valueUs < 1_000_000) return `${(valueUs / 1000).toFixed(valueUs < 10_000 ? 2 : 1)} ms`;
  return `${(valueUs / 1_000_000).toFixed(2)} s`;
}
