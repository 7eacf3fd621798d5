/**
 * broker-stats.ts: the statistics the broker keeps about its own traffic (RocketMQ's
 * BrokerStatsManager, BrokerStats and StoreStatsService together): messages and bytes put per
 * topic, got per topic@group, broker totals, today's and yesterday's message counts, and the
 * broker-wide rates and latencies of GET_BROKER_RUNTIME_INFO.
 *
 * The send and pull paths call onPut / onGet once per request; handlers read rates and snapshots
 * (VIEW_BROKER_STATS_DATA 315, GET_TOPIC_STATS_INFO 202, GET_CONSUME_STATS 208's consumeTps).
 * A timer ticks every second: rate samples each second, StatsItem samples every 10 s, 10 min and
 * hour, the latency minute, idle items dropped every 10 min, and at local midnight (by the
 * Clock) today's counts become yesterday's (BrokerStats.record).
 *
 * Invariants: each StatsItemSet holds at most STATS_ITEMS_MAX items; counting a request for a
 * known topic/group allocates nothing. Counts are since boot: nothing is persisted, as in Java.
 * Must not: block or throw on the request path.
 */
import type { GetMessageResult, PutMessageResult } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import { SamplePeriod, type StatsItem, type StatsSnapshot } from './stats-item.js';
import { StatsItemSet, type StatsItemSetLimits } from './stats-item-set.js';
import { StoreStats } from './store-stats.js';

/** Java's statsName values (Stats.java / BrokerStatsManager) for the statistics we keep. */
export const StatsName = {
  TOPIC_PUT_NUMS: 'TOPIC_PUT_NUMS',
  TOPIC_PUT_SIZE: 'TOPIC_PUT_SIZE',
  GROUP_GET_NUMS: 'GROUP_GET_NUMS',
  GROUP_GET_SIZE: 'GROUP_GET_SIZE',
  BROKER_PUT_NUMS: 'BROKER_PUT_NUMS',
  BROKER_GET_NUMS: 'BROKER_GET_NUMS',
  BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC: 'BROKER_PUT_NUMS_WITHOUT_SYSTEM_TOPIC',
  BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC: 'BROKER_GET_NUMS_WITHOUT_SYSTEM_TOPIC',
} as const;
export type StatsName = (typeof StatsName)[keyof typeof StatsName];

/** Items per statistic: topics (or topic@group pairs) counted at once. */
export const STATS_ITEMS_MAX = 10_000;
const TICK_MS = 1000;
const LATENCY_MINUTE_MS = 60_000;
const EXPIRE_EVERY_MS = 600_000;
/** Java raises maxStatsIdleTimeInMinutes of 10 or less to 30. */
const IDLE_MINUTES_FLOOR = 30;

export interface BrokerStatsOptions {
  readonly clusterName: string;
  readonly clock: Clock;
  /**
   * Items not updated for this long are dropped every 10 min (Java's maxStatsIdleTimeInMinutes;
   * 10 or less means 30, below 0 no periodic drop: the sets stay bounded by STATS_ITEMS_MAX).
   */
  readonly maxStatsIdleTimeInMinutes: number;
  /** TopicValidator.isSystemTopic: such topics do not count in the "today" totals. */
  readonly isSystemTopic: (topic: string) => boolean;
}

/** Clock time of the next local midnight after `nowMs` (UtilAll.computeNextMorningTimeMillis). */
export function nextMidnightMs(nowMs: number): number {
  const date = new Date(nowMs);
  date.setHours(24, 0, 0, 0);
  return date.getTime();
}

export class BrokerStats {
  readonly store: StoreStats;
  private readonly sets = new Map<StatsName, StatsItemSet>();
  private readonly topicPutNums: StatsItemSet;
  private readonly topicPutSize: StatsItemSet;
  private readonly groupGetNums: StatsItemSet;
  private readonly groupGetSize: StatsItemSet;
  private readonly brokerPutNums: StatsItemSet;
  private readonly brokerGetNums: StatsItemSet;
  private readonly idleMs: number;
  /** Non-system messages put and got since boot (getBroker*NumsWithoutSystemTopic). */
  private putWithoutSystem = 0;
  private getWithoutSystem = 0;
  msgPutTotalYesterdayMorning = 0;
  msgPutTotalTodayMorning = 0;
  msgGetTotalYesterdayMorning = 0;
  msgGetTotalTodayMorning = 0;
  private nextMidnight: number;
  private readonly last = { minute: 0, hour: 0, day: 0, latency: 0, expire: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BrokerStatsOptions) {
    const now = options.clock.now();
    this.store = new StoreStats(now);
    const minutes = options.maxStatsIdleTimeInMinutes;
    this.idleMs = minutes < 0 ? Number.POSITIVE_INFINITY : (minutes <= 10 ? IDLE_MINUTES_FLOOR : minutes) * 60_000;
    const limits: StatsItemSetLimits = { itemsMax: STATS_ITEMS_MAX, idleMsOnOverflow: Math.min(this.idleMs, EXPIRE_EVERY_MS) };
    const set = (name: StatsName): StatsItemSet => {
      const created = new StatsItemSet(name, limits);
      this.sets.set(name, created);
      return created;
    };
    this.topicPutNums = set(StatsName.TOPIC_PUT_NUMS);
    this.topicPutSize = set(StatsName.TOPIC_PUT_SIZE);
    this.groupGetNums = set(StatsName.GROUP_GET_NUMS);
    this.groupGetSize = set(StatsName.GROUP_GET_SIZE);
    this.brokerPutNums = set(StatsName.BROKER_PUT_NUMS);
    this.brokerGetNums = set(StatsName.BROKER_GET_NUMS);
    this.nextMidnight = nextMidnightMs(now);
    this.last.minute = this.last.hour = this.last.day = this.last.latency = this.last.expire = now;
    this.store.sample(now);
  }

  /** Starts the one-second tick (unref'd: it never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** A send's store result (SendMessageProcessor's incTopicPutNums/Size, incBrokerPutNums). */
  onPut(topic: string, result: PutMessageResult, elapsedMs: number): void {
    if (!('messages' in result)) {
      this.store.recordPutFailure(elapsedMs);
      return;
    }
    const now = this.options.clock.now();
    const messages = result.messages.length;
    let bytes = 0;
    for (const message of result.messages) bytes += message.size;
    this.store.recordPut(messages, bytes, elapsedMs);
    this.topicPutNums.add(topic, '', messages, 1, now);
    this.topicPutSize.add(topic, '', bytes, 1, now);
    this.brokerPutNums.add(this.options.clusterName, '', messages, 1, now);
    if (!this.options.isSystemTopic(topic)) this.putWithoutSystem += messages;
  }

  /** A pull's store result (PullMessageProcessor's incGroupGetNums/Size, incBrokerGetNums). */
  onGet(group: string, topic: string, result: GetMessageResult, elapsedMs: number): void {
    const messages = result.status === 'FOUND' ? result.records.length : 0;
    this.store.recordGet(messages, elapsedMs);
    if (messages === 0) return;
    const now = this.options.clock.now();
    this.groupGetNums.add(topic, group, messages, 1, now);
    this.groupGetSize.add(topic, group, result.bytes, 1, now);
    this.brokerGetNums.add(this.options.clusterName, '', messages, 1, now);
    if (!this.options.isSystemTopic(topic)) this.getWithoutSystem += messages;
  }

  /** Messages of `topic` got by `group` per second over the last minute (tpsGroupGetNums). */
  tpsGroupGetNums(group: string, topic: string): number {
    return this.groupGetNums.minuteSnapshot(topic, group).tps;
  }

  /** Messages put to `topic` per second over the last minute (tpsTopicPutNums). */
  tpsTopicPutNums(topic: string): number {
    return this.topicPutNums.minuteSnapshot(topic).tps;
  }

  /** The item of a statistic by Java's statsName and statsKey ("T", "T@G", cluster name). */
  statsItem(statsName: string, statsKey: string): StatsItem | undefined {
    return this.sets.get(statsName as StatsName)?.getByStatsKey(statsKey);
  }

  /** Minute, hour and day snapshots of an item (VIEW_BROKER_STATS_DATA). */
  snapshots(item: StatsItem): { minute: StatsSnapshot; hour: StatsSnapshot; day: StatsSnapshot } {
    return { minute: item.snapshot(SamplePeriod.MINUTE), hour: item.snapshot(SamplePeriod.HOUR), day: item.snapshot(SamplePeriod.DAY) };
  }

  get msgPutTotalTodayNow(): number {
    return this.putWithoutSystem;
  }

  get msgGetTotalTodayNow(): number {
    return this.getWithoutSystem;
  }

  /** Items held per statistic and adds refused because a set was full (tests, logs). */
  sizes(): Record<string, { size: number; refused: number }> {
    return Object.fromEntries([...this.sets].map(([name, set]) => [name, { size: set.size, refused: set.refused }]));
  }

  /** Forgets a deleted topic (onTopicDeleted). */
  onTopicDeleted(topic: string): void {
    for (const set of this.sets.values()) set.deleteKey(topic);
  }

  /** Forgets a deleted group (onGroupDeleted). */
  onGroupDeleted(group: string): void {
    this.groupGetNums.deleteSubKey(group);
    this.groupGetSize.deleteSubKey(group);
  }

  /** The timer's work at clock time `nowMs`; tests call it with a ManualClock. */
  tick(nowMs = this.options.clock.now()): void {
    this.store.sample(nowMs);
    this.sampleWhenDue('minute', SamplePeriod.MINUTE, nowMs);
    this.sampleWhenDue('hour', SamplePeriod.HOUR, nowMs);
    this.sampleWhenDue('day', SamplePeriod.DAY, nowMs);
    if (nowMs - this.last.latency >= LATENCY_MINUTE_MS) {
      this.last.latency = nowMs;
      this.store.rotateMinute();
    }
    if (nowMs - this.last.expire >= EXPIRE_EVERY_MS && Number.isFinite(this.idleMs)) {
      this.last.expire = nowMs;
      for (const set of this.sets.values()) set.expireIdle(nowMs - this.idleMs);
    }
    if (nowMs >= this.nextMidnight) {
      this.recordMidnight();
      this.nextMidnight = nextMidnightMs(nowMs);
    }
  }

  private sampleWhenDue(which: 'minute' | 'hour' | 'day', period: SamplePeriod, nowMs: number): void {
    if (nowMs - this.last[which] < period.intervalMs) return;
    this.last[which] = nowMs;
    this.samplePeriod(period, nowMs);
  }

  /** One sample of every item for `period` now (the timer does this when due; tests force it). */
  samplePeriod(period: SamplePeriod, nowMs = this.options.clock.now()): void {
    for (const set of this.sets.values()) set.sample(period, nowMs);
  }

  /** BrokerStats.record: today's morning counts become yesterday's. */
  private recordMidnight(): void {
    this.msgPutTotalYesterdayMorning = this.msgPutTotalTodayMorning;
    this.msgGetTotalYesterdayMorning = this.msgGetTotalTodayMorning;
    this.msgPutTotalTodayMorning = this.putWithoutSystem;
    this.msgGetTotalTodayMorning = this.getWithoutSystem;
  }
}
