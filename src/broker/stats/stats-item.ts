/**
 * stats-item.ts: one counter of the broker's statistics (RocketMQ's StatsItem): a running value
 * and number of calls, plus three rings of samples that turn them into rates: every 10 s for the
 * last minute, every 10 min for the last hour, every hour for the last day.
 *
 * Invariants: a ring holds at most its capacity of samples, oldest first, in preallocated
 * Float64Arrays (no allocation per sample or per add); a ring's first sample is (now - interval,
 * 0, 0), as Java seeds an empty list, so an item counts from its creation.
 * Must not: read the clock (callers pass the time) or allocate on add().
 */

/** What a ring says (StatsSnapshot): the increase between its first and last samples. */
export interface StatsSnapshot {
  readonly sum: number;
  readonly tps: number;
  /** sum / times: the average value per call. */
  readonly avgpt: number;
  readonly times: number;
}

export const EMPTY_SNAPSHOT: StatsSnapshot = Object.freeze({ sum: 0, tps: 0, avgpt: 0, times: 0 });

/** The three sampling periods of a StatsItem, with Java's intervals and list sizes. */
export const SamplePeriod = {
  /** Every 10 s, 7 samples: the last minute. */
  MINUTE: { intervalMs: 10_000, samples: 7 },
  /** Every 10 min, 7 samples: the last hour. */
  HOUR: { intervalMs: 600_000, samples: 7 },
  /** Every hour, 25 samples: the last day. */
  DAY: { intervalMs: 3_600_000, samples: 25 },
} as const;
export type SamplePeriod = (typeof SamplePeriod)[keyof typeof SamplePeriod];

const FIELDS = 3; // timestamp, times, value

/** A bounded ring of (timestamp, times, value) samples (Java's LinkedList<CallSnapshot>). */
export class SampleRing {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity * FIELDS);
  }

  get size(): number {
    return this.count;
  }

  push(timestampMs: number, times: number, value: number): void {
    let slot: number;
    if (this.count < this.capacity) {
      slot = (this.start + this.count) % this.capacity;
      this.count++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }
    const base = slot * FIELDS;
    this.data[base] = timestampMs;
    this.data[base + 1] = times;
    this.data[base + 2] = value;
  }

  private field(index: number, field: number): number {
    return this.data[((this.start + index) % this.capacity) * FIELDS + field] ?? 0;
  }

  /** StatsItem.computeStatsData: first to last sample. */
  snapshot(): StatsSnapshot {
    if (this.count === 0) return EMPTY_SNAPSHOT;
    const last = this.count - 1;
    const sum = this.field(last, 2) - this.field(0, 2);
    const elapsedMs = this.field(last, 0) - this.field(0, 0);
    const times = this.field(last, 1) - this.field(0, 1);
    // Java divides by zero here (NaN/Infinity) when a ring has one sample; 0 is what it means.
    const tps = elapsedMs > 0 ? (sum * 1000) / elapsedMs : 0;
    return { sum, tps, avgpt: times > 0 ? sum / times : 0, times };
  }
}

export class StatsItem {
  /** The running total of what was added (messages, bytes, ...). */
  value = 0;
  /** How many adds (calls) made it. */
  times = 0;
  /** Clock time of the last add; idle items are dropped after maxStatsIdleTimeInMinutes. */
  lastUpdateMs: number;
  private readonly minute = new SampleRing(SamplePeriod.MINUTE.samples);
  private readonly hour = new SampleRing(SamplePeriod.HOUR.samples);
  private readonly day = new SampleRing(SamplePeriod.DAY.samples);

  constructor(
    readonly statsName: string,
    readonly statsKey: string,
    nowMs: number,
  ) {
    this.lastUpdateMs = nowMs;
  }

  add(value: number, times: number, nowMs: number): void {
    this.value += value;
    this.times += times;
    this.lastUpdateMs = nowMs;
  }

  private ring(period: SamplePeriod): SampleRing {
    return period === SamplePeriod.MINUTE ? this.minute : period === SamplePeriod.HOUR ? this.hour : this.day;
  }

  /** samplingInSeconds / samplingInMinutes / samplingInHour. */
  sample(period: SamplePeriod, nowMs: number): void {
    const ring = this.ring(period);
    if (ring.size === 0) ring.push(nowMs - period.intervalMs, 0, 0);
    ring.push(nowMs, this.times, this.value);
  }

  /** getStatsDataInMinute / InHour / InDay. */
  snapshot(period: SamplePeriod): StatsSnapshot {
    return this.ring(period).snapshot();
  }
}
