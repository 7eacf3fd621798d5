import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProperties, encodeProperties, MessageSysFlag, tagsCode, type MessageRecord } from '../../message/index.js';
import { BrokerError } from '../errors.js';
import { DelayLevelTable } from './delay-levels.js';
import { delayLevelOf, messageTimeUp, routeDelayed, scheduleAwareTagsCodeOf } from './schedule-route.js';

const levels = new DelayLevelTable('1s 5s 10s');
const props = (entries: Record<string, string>): string => encodeProperties(new Map(Object.entries(entries)));

function put(properties: string, sysFlag = 0): { topic: string; queueId: number; properties: string; sysFlag: number; tagsCode: number } {
  return { topic: 'Orders', queueId: 2, properties, sysFlag, tagsCode: tagsCode('TagA') };
}

test('schedule-route - a delayed put waits in SCHEDULE_TOPIC_XXXX queue level-1, due at now + delay', () => {
  const routed = routeDelayed(levels, put(props({ TAGS: 'TagA', DELAY: '2' })), 50_000);
  assert.equal(routed.topic, 'SCHEDULE_TOPIC_XXXX');
  assert.equal(routed.queueId, 1);
  assert.equal(routed.tagsCode, 55_000);
  const properties = decodeProperties(routed.properties);
  assert.equal(properties.get('REAL_TOPIC'), 'Orders');
  assert.equal(properties.get('REAL_QID'), '2');
  assert.equal(properties.get('DELAY'), '2');
  assert.equal(properties.get('TAGS'), 'TagA');
});

test('schedule-route - a level above the highest is the highest; 0, negative or absent is not delayed', () => {
  const routed = routeDelayed(levels, put(props({ DELAY: '99' })), 0);
  assert.equal(routed.queueId, 2);
  assert.equal(decodeProperties(routed.properties).get('DELAY'), '3');
  assert.equal(routed.tagsCode, 10_000);
  for (const properties of [props({ DELAY: '0' }), props({ DELAY: '-1' }), props({ TAGS: 'x' })]) {
    const same = put(properties);
    assert.equal(routeDelayed(levels, same, 0), same);
  }
  const half = put(props({ DELAY: '1' }), MessageSysFlag.TRANSACTION_PREPARED_TYPE);
  assert.equal(routeDelayed(levels, half, 0), half, 'a half message is never scheduled');
  assert.equal(routeDelayed(levels, put(props({ DELAY: '1' }), MessageSysFlag.TRANSACTION_COMMIT_TYPE), 0).topic, 'SCHEDULE_TOPIC_XXXX');
  assert.throws(() => delayLevelOf(props({ DELAY: 'soon' })), (error: unknown) => error instanceof BrokerError && /not an integer/.test(error.remark));
});

function record(topic: string, properties: string): MessageRecord {
  return {
    size: 0,
    bodyCrc: 0,
    queueId: 1,
    flag: 7,
    queueOffset: 4,
    commitLogOffset: 1234,
    sysFlag: 0,
    bornTimestamp: 1000,
    bornHost: Buffer.from([127, 0, 0, 1, 0, 0, 0x30, 0x39]),
    storeTimestamp: 40_000,
    storeHost: Buffer.from([127, 0, 0, 1, 0, 0, 0x2a, 0x9f]),
    reconsumeTimes: 2,
    preparedTransactionOffset: 0,
    body: Buffer.from('body'),
    topic,
    properties,
  };
}

test('schedule-route - a due message goes back to its real topic and queue without DELAY; REAL_* stay, as in Java', () => {
  const scheduled = record('SCHEDULE_TOPIC_XXXX', props({ TAGS: 'TagA', KEYS: 'k', DELAY: '2', REAL_TOPIC: 'Orders', REAL_QID: '3', TIMER_DELIVER_MS: '1' }));
  const timeUp = messageTimeUp(scheduled);
  assert.ok(timeUp.ok);
  const { request } = timeUp;
  assert.equal(request.topic, 'Orders');
  assert.equal(request.queueId, 3);
  assert.equal(request.tagsCode, tagsCode('TagA'));
  assert.equal(request.reconsumeTimes, 2);
  assert.equal(request.flag, 7);
  assert.equal(request.bornTimestamp, 1000);
  assert.deepEqual([...decodeProperties(request.properties)], [['TAGS', 'TagA'], ['KEYS', 'k'], ['REAL_TOPIC', 'Orders'], ['REAL_QID', '3']]);
  assert.equal(messageTimeUp(record('SCHEDULE_TOPIC_XXXX', props({ DELAY: '2', REAL_QID: '3' }))).ok, false);
  assert.equal(messageTimeUp(record('SCHEDULE_TOPIC_XXXX', props({ REAL_TOPIC: 'T', REAL_QID: 'x' }))).ok, false);
  assert.equal(messageTimeUp(record('SCHEDULE_TOPIC_XXXX', props({ REAL_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC', REAL_QID: '0' }))).ok, false);
});

test('schedule-route - recovery gives schedule records their due time and others their tag hash', () => {
  const tagsCodeOf = scheduleAwareTagsCodeOf(levels);
  assert.equal(tagsCodeOf(record('SCHEDULE_TOPIC_XXXX', props({ DELAY: '3', TAGS: 'TagA' }))), 50_000);
  assert.equal(tagsCodeOf(record('SCHEDULE_TOPIC_XXXX', props({ DELAY: '30' }))), 50_000, 'clamped to the highest level');
  assert.equal(tagsCodeOf(record('Orders', props({ DELAY: '3', TAGS: 'TagA' }))), tagsCode('TagA'));
  assert.equal(tagsCodeOf(record('Orders', props({}))), 0);
});
