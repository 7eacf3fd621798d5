/**
 * store-stats.ts: the broker-wide put and get figures RocketMQ's StoreStatsService keeps, in the
 * forms GET_BROKER_RUNTIME_INFO reports them: totals, "tps10s tps1m tps10m" rates from a sample
 * every second, the slowest put and get, and the put latency distribution of the last minute.
 *
 * Invariants: the rate ring keeps at most RATE_SAMPLES_MAX samples in one preallocated array;
 * a put or get only bumps numbers (no allocation); the latency buckets are two fixed arrays
 * swapped each minute (rotateMinute), so the figures are the previous full minute's, as Java's.
 * Must not: read the clock (callers pass times).
 */

/** Samples kept for the rates: ten minutes of one a second, plus one (MAX_RECORDS_OF_SAMPLING). */
export const RATE_SAMPLES_MAX = 601;
/** The windows of "tps10s tps1m tps10m", in samples (seconds). */
const RATE_WINDOWS_S = [10, 60, 600] as const;

const DISTRIBUTION_LABELS = [
  '[<=0ms]', '[0~10ms]', '[10~50ms]', '[50~100ms]', '[100~200ms]', '[200~500ms]', '[500ms~1s]',
  '[1~2s]', '[2~3s]', '[3~4s]', '[4~5s]', '[5~10s]', '[10s~]',
] as const;
/** Upper ends (exclusive) of the distribution's ranges after [<=0ms], ms. */
const DISTRIBUTION_BOUNDS_MS = [10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000] as const;

/** Upper ends (inclusive) of the percentile buckets, ms: Java's PUT_MESSAGE_ENTIRE_TIME_BUCKETS. */
const LATENCY_BUCKETS_MS: readonly number[] = (() => {
  const bounds: number[] = [];
  let bound = 0;
  for (const [step, count] of [[1, 20], [2, 15], [5, 10], [10, 10], [50, 6], [100, 5], [1000, 9]] as const) {
    for (let index = 0; index < count; index++) bounds.push((bound += step));
  }
  bounds.push(2 ** 63 - 1); // Long.MAX_VALUE: everything slower
  return bounds;
})();

/** Java's Double.toString: "0.0", "12.5", "1.0E-4", "1.2345678E7". */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return '0.0';
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

const COUNTERS = 5; // timestamp, put messages, found gets, missed gets, transferred messages
const Column = { TIME: 0, PUT: 1, FOUND: 2, MISS: 3, TRANSFERRED: 4 } as const;
type Column = (typeof Column)[keyof typeof Column];

export class StoreStats {
  /** Messages stored (putMessageTimesTotal). */
  putMessages = 0;
  /** Bytes stored (putMessageSizeTotal). */
  putBytes = 0;
  /** Put requests the store refused (putMessageFailedTimes). */
  putFailed = 0;
  /** Pulls that found messages, pulls that found none, and messages handed out. */
  getFound = 0;
  getMiss = 0;
  getTransferred = 0;
  putTimeMaxMs = 0;
  getTimeMaxMs = 0;
  private readonly ring = new Float64Array(RATE_SAMPLES_MAX * COUNTERS);
  private ringStart = 0;
  private ringSize = 0;
  private distribution = new Float64Array(DISTRIBUTION_LABELS.length);
  private lastDistribution = new Float64Array(DISTRIBUTION_LABELS.length);
  private latency = new Float64Array(LATENCY_BUCKETS_MS.length);
  private lastLatency = new Float64Array(LATENCY_BUCKETS_MS.length);

  constructor(readonly bootTimestampMs: number) {}

  /** A put of `messages` records and `bytes` bytes that took `elapsedMs`. */
  recordPut(messages: number, bytes: number, elapsedMs: number): void {
    this.putMessages += messages;
    this.putBytes += bytes;
    this.recordPutTime(Math.max(0, Math.floor(elapsedMs)));
  }

  recordPutFailure(elapsedMs: number): void {
    this.putFailed++;
    this.recordPutTime(Math.max(0, Math.floor(elapsedMs)));
  }

  private recordPutTime(ms: number): void {
    if (ms > this.putTimeMaxMs) this.putTimeMaxMs = ms;
    let range = 0;
    if (ms > 0) {
      range = 1;
      while (range - 1 < DISTRIBUTION_BOUNDS_MS.length && ms >= (DISTRIBUTION_BOUNDS_MS[range - 1] ?? 0)) range++;
    }
    this.distribution[range] = (this.distribution[range] ?? 0) + 1;
    // The first bucket whose upper end is at least ms (TreeMap.ceilingEntry).
    let low = 0;
    let high = LATENCY_BUCKETS_MS.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((LATENCY_BUCKETS_MS[middle] ?? 0) >= ms) high = middle;
      else low = middle + 1;
    }
    this.latency[low] = (this.latency[low] ?? 0) + 1;
  }

  /** A pull that found `messages` messages (0: found none) and took `elapsedMs`. */
  recordGet(messages: number, elapsedMs: number): void {
    if (messages > 0) {
      this.getFound++;
      this.getTransferred += messages;
    } else {
      this.getMiss++;
    }
    const ms = Math.max(0, Math.floor(elapsedMs));
    if (ms > this.getTimeMaxMs) this.getTimeMaxMs = ms;
  }

  /** One sample of the counters (every second). */
  sample(nowMs: number): void {
    let slot: number;
    if (this.ringSize < RATE_SAMPLES_MAX) {
      slot = (this.ringStart + this.ringSize) % RATE_SAMPLES_MAX;
      this.ringSize++;
    } else {
      slot = this.ringStart;
      this.ringStart = (this.ringStart + 1) % RATE_SAMPLES_MAX;
    }
    const base = slot * COUNTERS;
    this.ring[base + Column.TIME] = nowMs;
    this.ring[base + Column.PUT] = this.putMessages;
    this.ring[base + Column.FOUND] = this.getFound;
    this.ring[base + Column.MISS] = this.getMiss;
    this.ring[base + Column.TRANSFERRED] = this.getTransferred;
  }

  /** Starts a new minute of latency figures; the one that ends is what is reported. */
  rotateMinute(): void {
    [this.lastDistribution, this.distribution] = [this.distribution, this.lastDistribution];
    this.distribution.fill(0);
    [this.lastLatency, this.latency] = [this.latency, this.lastLatency];
    this.latency.fill(0);
  }

  private at(index: number, column: Column): number {
    return this.ring[((this.ringStart + index) % RATE_SAMPLES_MAX) * COUNTERS + column] ?? 0;
  }

  /**
   * The rate of `columns` over the last `seconds` samples. Java answers "" until the ring holds
   * the whole window; we answer the rate since the oldest sample instead (since boot), and 0.0
   * before there are two samples.
   */
  private rate(seconds: number, columns: readonly Column[]): number {
    if (this.ringSize < 2) return 0;
    const last = this.ringSize - 1;
    const first = Math.max(0, last - seconds);
    const elapsedMs = this.at(last, Column.TIME) - this.at(first, Column.TIME);
    if (elapsedMs <= 0) return 0;
    let delta = 0;
    for (const column of columns) delta += this.at(last, column) - this.at(first, column);
    return (delta * 1000) / elapsedMs;
  }

  private rates(columns: readonly Column[]): string {
    return RATE_WINDOWS_S.map((seconds) => javaDouble(this.rate(seconds, columns))).join(' ');
  }

  /** Messages stored per second over the last minute (the middle putTps figure). */
  putTpsInMinute(): number {
    return this.rate(60, [Column.PUT]);
  }

  /** Java's findPutMessageEntireTimePX over the last full minute. */
  putLatencyPercentile(fraction: number): number {
    const counts = this.lastLatency;
    let total = 0;
    for (const count of counts) total += count;
    const wanted = Math.floor(total * fraction);
    let passed = 0;
    for (let index = 0; index < counts.length; index++) {
      const count = counts[index] ?? 0;
      if (wanted <= passed + count) {
        const relative = wanted - passed;
        const upper = LATENCY_BUCKETS_MS[index] ?? 0;
        const lower = index === 0 ? 0 : (LATENCY_BUCKETS_MS[index - 1] ?? 0);
        return count === 0 ? lower : lower + ((upper - lower) * relative) / count;
      }
      passed += count;
    }
    return 0;
  }

  private distributionText(): string {
    return DISTRIBUTION_LABELS.map((label, index) => `${label}:${this.lastDistribution[index] ?? 0} `).join('');
  }

  /** StoreStatsService.getRuntimeInfo's keys, with values from our own measurements. */
  runtimeInfo(nowMs: number): Record<string, string> {
    const average = this.putMessages === 0 ? 0 : this.putBytes / this.putMessages;
    return {
      bootTimestamp: String(this.bootTimestampMs),
      runtime: formatRuntime(nowMs - this.bootTimestampMs),
      putMessageEntireTimeMax: String(this.putTimeMaxMs),
      putMessageTimesTotal: String(this.putMessages),
      putMessageFailedTimes: String(this.putFailed),
      putMessageSizeTotal: String(this.putBytes),
      putMessageDistributeTime: this.distributionText(),
      putMessageAverageSize: javaDouble(average),
      getMessageEntireTimeMax: String(this.getTimeMaxMs),
      putTps: this.rates([Column.PUT]),
      getFoundTps: this.rates([Column.FOUND]),
      getMissTps: this.rates([Column.MISS]),
      getTotalTps: this.rates([Column.FOUND, Column.MISS]),
      getTransferredTps: this.rates([Column.TRANSFERRED]),
      putLatency99: this.putLatencyPercentile(0.99).toFixed(2),
      putLatency999: this.putLatencyPercentile(0.999).toFixed(2),
    };
  }
}

/** "[ 0 days, 1 hours, 2 minutes, 3 seconds ]" (StoreStatsService.getFormatRuntime). */
export function formatRuntime(elapsedMs: number): string {
  const seconds = Math.max(0, Math.floor(elapsedMs / 1000));
  const days = Math.floor(seconds / 86400);
  const hours = Math.floor((seconds % 86400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `[ ${days} days, ${hours} hours, ${minutes} minutes, ${seconds % 60} seconds ]`;
}
