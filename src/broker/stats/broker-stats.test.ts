import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GetMessageResult, PutMessageResult } from '../../store/index.js';
import { ManualClock } from '../../time/index.js';
import { BrokerStats, nextMidnightMs, STATS_ITEMS_MAX, StatsName } from './broker-stats.js';
import { SamplePeriod, SampleRing } from './stats-item.js';
import { StatsItemSet } from './stats-item-set.js';
import { formatRuntime, javaDouble } from './store-stats.js';

function put(count: number, size = 100): PutMessageResult {
  const messages = Array.from({ length: count }, (_, index) => ({ commitLogOffset: index * size, size, queueOffset: index, storeTimestamp: 0, msgId: '' }));
  return { status: 'PUT_OK', messages };
}

function got(count: number, bytes = 100 * count): GetMessageResult {
  return { status: count > 0 ? 'FOUND' : 'OFFSET_OVERFLOW_ONE', nextBeginOffset: 0, minOffset: 0, maxOffset: 0, records: Array.from({ length: count }, () => Buffer.alloc(0)), bytes };
}

function stats(clock: ManualClock, maxStatsIdleTimeInMinutes = 30): BrokerStats {
  return new BrokerStats({ clusterName: 'C', clock, maxStatsIdleTimeInMinutes, isSystemTopic: (topic) => topic.startsWith('rmq_sys_') });
}

// 2024-03-05 10:00 local time: far from midnight either way.
const MORNING = new Date(2024, 2, 5, 10, 0, 0).getTime();

test('broker-stats - topic puts and group gets give minute sums and rates once sampled', () => {
  const clock = new ManualClock(MORNING);
  const brokerStats = stats(clock);
  for (let index = 0; index < 30; index++) brokerStats.onPut('T', put(2, 50), 1);
  brokerStats.onGet('G', 'T', got(40, 4000), 1);
  brokerStats.onGet('G', 'T', got(0), 1);
  assert.equal(brokerStats.tpsTopicPutNums('T'), 0, 'no sample yet');
  clock.advance(10_000);
  brokerStats.tick();
  assert.equal(brokerStats.tpsTopicPutNums('T'), 6); // 60 messages over the 10 s since the seed sample
  assert.equal(brokerStats.tpsGroupGetNums('G', 'T'), 4);
  assert.equal(brokerStats.tpsGroupGetNums('Other', 'T'), 0);
  const size = brokerStats.statsItem(StatsName.TOPIC_PUT_SIZE, 'T');
  assert.ok(size);
  assert.deepEqual(brokerStats.snapshots(size).minute, { sum: 3000, tps: 300, avgpt: 100, times: 30 });
  const gets = brokerStats.statsItem(StatsName.GROUP_GET_NUMS, 'T@G');
  assert.ok(gets);
  assert.equal(brokerStats.snapshots(gets).minute.sum, 40);
  assert.equal(brokerStats.snapshots(gets).hour.sum, 0, 'the hour ring is sampled every 10 minutes');
  assert.equal(brokerStats.statsItem(StatsName.BROKER_PUT_NUMS, 'C')?.value, 60);
  assert.equal(brokerStats.statsItem('NO_SUCH_STATS', 'T'), undefined);
});

test('broker-stats - runtime figures: totals, rates in Java form, latency distribution of the last minute', () => {
  const clock = new ManualClock(MORNING);
  const brokerStats = stats(clock);
  for (let second = 1; second <= 20; second++) {
    brokerStats.onPut('T', put(5), 3);
    brokerStats.onGet('G', 'T', got(5), 0);
    clock.advance(1000);
    brokerStats.tick();
  }
  brokerStats.onPut('T', { status: 'SERVICE_NOT_AVAILABLE', reason: 'disk full' }, 12);
  clock.advance(60_000);
  brokerStats.tick();
  const info = brokerStats.store.runtimeInfo(clock.now());
  assert.equal(info['putMessageTimesTotal'], '100');
  assert.equal(info['putMessageSizeTotal'], '10000');
  assert.equal(info['putMessageFailedTimes'], '1');
  assert.equal(info['putMessageAverageSize'], '100.0');
  assert.equal(info['putMessageEntireTimeMax'], '12');
  assert.match(info['putMessageDistributeTime'] ?? '', /^\[<=0ms\]:0 \[0~10ms\]:20 \[10~50ms\]:1 \[50~100ms\]:0 /);
  assert.equal(info['runtime'], '[ 0 days, 0 hours, 1 minutes, 20 seconds ]');
  // The 10 m figure covers every sample since boot: 100 messages in 80 s.
  assert.equal(info['putTps']?.split(' ').length, 3);
  assert.equal(info['putTps']?.split(' ')[2], '1.25');
  assert.equal(info['getTransferredTps']?.split(' ')[2], '1.25');
  assert.equal(info['getFoundTps']?.split(' ')[2], '0.25');
  assert.notEqual(info['putLatency99'], undefined);
});

test('broker-stats - today and yesterday counts roll at local midnight and leave out system topics', () => {
  const clock = new ManualClock(nextMidnightMs(MORNING) - 5000);
  const brokerStats = stats(clock);
  brokerStats.onPut('T', put(3), 0);
  brokerStats.onPut('rmq_sys_wheel_timer', put(7), 0);
  brokerStats.onGet('G', 'T', got(2), 0);
  assert.equal(brokerStats.msgPutTotalTodayNow, 3);
  assert.equal(brokerStats.msgPutTotalTodayMorning, 0);
  clock.advance(5000);
  brokerStats.tick();
  assert.equal(brokerStats.msgPutTotalTodayMorning, 3, 'the day rolled');
  assert.equal(brokerStats.msgGetTotalTodayMorning, 2);
  brokerStats.onPut('T', put(4), 0);
  clock.advance(86_400_000);
  brokerStats.tick();
  assert.equal(brokerStats.msgPutTotalYesterdayMorning, 3);
  assert.equal(brokerStats.msgPutTotalTodayMorning, 7);
  assert.equal(brokerStats.msgPutTotalTodayNow, 7);
});

test('broker-stats - idle items expire, deleted topics and groups are forgotten', () => {
  const clock = new ManualClock(MORNING);
  const brokerStats = stats(clock, 5); // 5 means 30, as Java
  brokerStats.onPut('Idle', put(1), 0);
  brokerStats.onGet('G', 'Busy', got(1), 0);
  for (let minute = 1; minute <= 40; minute++) {
    clock.advance(60_000);
    brokerStats.onPut('Busy', put(1), 0);
    brokerStats.tick();
  }
  assert.equal(brokerStats.statsItem(StatsName.TOPIC_PUT_NUMS, 'Idle'), undefined);
  assert.ok(brokerStats.statsItem(StatsName.TOPIC_PUT_NUMS, 'Busy'));
  brokerStats.onGet('G', 'Busy', got(1), 0);
  brokerStats.onGroupDeleted('G');
  assert.equal(brokerStats.statsItem(StatsName.GROUP_GET_NUMS, 'Busy@G'), undefined);
  brokerStats.onTopicDeleted('Busy');
  assert.equal(brokerStats.statsItem(StatsName.TOPIC_PUT_NUMS, 'Busy'), undefined);
});

test('stats-item-set - holds at most itemsMax items; a full set drops idle ones, else refuses', () => {
  const set = new StatsItemSet('X', { itemsMax: 3, idleMsOnOverflow: 1000 });
  set.add('a', '', 1, 1, 0);
  set.add('b', 'g', 1, 1, 0);
  set.add('c', '', 1, 1, 500);
  set.add('d', '', 1, 1, 600);
  assert.equal(set.size, 3);
  assert.equal(set.refused, 1);
  set.add('d', '', 1, 1, 1200); // a and b are idle for 1000 ms now
  assert.equal(set.size, 2);
  assert.equal(set.getByStatsKey('d')?.value, 1);
  assert.equal(set.getByStatsKey('b@g'), undefined);
  assert.ok(STATS_ITEMS_MAX >= 1000);
});

test('stats-item - rings keep their capacity and measure first to last', () => {
  const ring = new SampleRing(3);
  for (let index = 0; index < 10; index++) ring.push(index * 1000, index, index * 10);
  assert.equal(ring.size, 3);
  assert.deepEqual(ring.snapshot(), { sum: 20, tps: 10, avgpt: 10, times: 2 });
  assert.equal(SamplePeriod.DAY.samples, 25);
});

test('store-stats - Java number and runtime formats', () => {
  assert.equal(javaDouble(0), '0.0');
  assert.equal(javaDouble(12), '12.0');
  assert.equal(javaDouble(0.5), '0.5');
  assert.equal(javaDouble(0.0001), '1.0E-4');
  assert.equal(javaDouble(12345678), '1.2345678E7');
  assert.equal(formatRuntime(90_061_000), '[ 1 days, 1 hours, 1 minutes, 1 seconds ]');
});
