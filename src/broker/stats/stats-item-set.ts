/**
 * stats-item-set.ts: the StatsItems of one statistic (RocketMQ's StatsItemSet), e.g.
 * TOPIC_PUT_NUMS by topic or GROUP_GET_NUMS by "topic@group".
 *
 * Items are kept by their key's two parts (topic, then group; "" when the key has one part), so
 * counting a pull never builds the "topic@group" string. Topic and group names cannot hold "@"
 * (TopicValidator), so a statsKey splits at its first "@".
 *
 * Invariants: at most `itemsMax` items; when full, items idle for `idleMsOnOverflow` are dropped
 * first, and a new key that still does not fit is not counted (counted in `refused` instead).
 * Must not: allocate on add() for a key it already has.
 */
import { EMPTY_SNAPSHOT, SamplePeriod, StatsItem, type StatsSnapshot } from './stats-item.js';

/** The two parts of a statsKey: "T" → ["T", ""], "T@G" → ["T", "G"]. */
export function splitStatsKey(statsKey: string): [string, string] {
  const at = statsKey.indexOf('@');
  return at < 0 ? [statsKey, ''] : [statsKey.slice(0, at), statsKey.slice(at + 1)];
}

export interface StatsItemSetLimits {
  readonly itemsMax: number;
  /** When the set is full, items idle this long are dropped to make room. */
  readonly idleMsOnOverflow: number;
}

export class StatsItemSet {
  private readonly items = new Map<string, Map<string, StatsItem>>();
  private count = 0;
  /** Adds not counted because the set was full of live items. */
  refused = 0;

  constructor(
    readonly statsName: string,
    private readonly limits: StatsItemSetLimits,
  ) {}

  get size(): number {
    return this.count;
  }

  /** StatsItemSet.addValue for the key `key` or `key@subKey`. */
  add(key: string, subKey: string, value: number, times: number, nowMs: number): void {
    const item = this.items.get(key)?.get(subKey) ?? this.create(key, subKey, nowMs);
    item?.add(value, times, nowMs);
  }

  private create(key: string, subKey: string, nowMs: number): StatsItem | undefined {
    if (this.count >= this.limits.itemsMax && this.expireIdle(nowMs - this.limits.idleMsOnOverflow) === 0) {
      this.refused++;
      return undefined;
    }
    let inner = this.items.get(key);
    if (inner === undefined) {
      inner = new Map();
      this.items.set(key, inner);
    }
    const item = new StatsItem(this.statsName, subKey === '' ? key : `${key}@${subKey}`, nowMs);
    inner.set(subKey, item);
    this.count++;
    return item;
  }

  get(key: string, subKey = ''): StatsItem | undefined {
    return this.items.get(key)?.get(subKey);
  }

  /** The item of a "topic" or "topic@group" statsKey (VIEW_BROKER_STATS_DATA). */
  getByStatsKey(statsKey: string): StatsItem | undefined {
    const [key, subKey] = splitStatsKey(statsKey);
    return this.get(key, subKey);
  }

  /** The item's snapshot of the last minute, or zeros when there is none (getStatsDataInMinute). */
  minuteSnapshot(key: string, subKey = ''): StatsSnapshot {
    return this.get(key, subKey)?.snapshot(SamplePeriod.MINUTE) ?? EMPTY_SNAPSHOT;
  }

  sample(period: SamplePeriod, nowMs: number): void {
    for (const inner of this.items.values()) for (const item of inner.values()) item.sample(period, nowMs);
  }

  /** Drops items not updated since `beforeMs` (cleanResource); answers how many. */
  expireIdle(beforeMs: number): number {
    let dropped = 0;
    for (const [key, inner] of this.items) {
      for (const [subKey, item] of inner) {
        if (item.lastUpdateMs < beforeMs) {
          inner.delete(subKey);
          dropped++;
        }
      }
      if (inner.size === 0) this.items.delete(key);
    }
    this.count -= dropped;
    return dropped;
  }

  /** Drops every item of `key` (a deleted topic). */
  deleteKey(key: string): void {
    const inner = this.items.get(key);
    if (inner === undefined) return;
    this.count -= inner.size;
    this.items.delete(key);
  }

  /** Drops every item whose second part is `subKey` (a deleted group). */
  deleteSubKey(subKey: string): void {
    for (const [key, inner] of this.items) {
      if (inner.delete(subKey)) this.count--;
      if (inner.size === 0) this.items.delete(key);
    }
  }
}
