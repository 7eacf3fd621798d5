import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeProperties, encodeProperties, MessageSysFlag, tagsCode, type MessageRecord } from '../../message/index.js';
import { ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { TIMER_TOPIC } from './timer-const.js';
import { decodeRecallHandle, encodeRecallHandle, recallHandleOf, routeTimer, timerDelivery, timerIllegalRemark, timerRefresh } from './timer-route.js';

const SETTINGS = { timerWheelEnable: true, timerMaxDelaySec: 259_200 };
const NOW = 1_700_000_000_000;

function put(properties: Record<string, string>, sysFlag = 0) {
  return { topic: 'TopicA', queueId: 3, properties: encodeProperties(new Map(Object.entries(properties))), sysFlag, tagsCode: 0 };
}

function refusal(run: () => unknown): { code: number; remark: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof ResponseCodeError) return { code: error.code, remark: error.message };
    throw error;
  }
  assert.fail('not refused');
}

test('timer-route - TIMER_DELAY_SEC, else TIMER_DELAY_MS, else TIMER_DELIVER_MS: stored in rmq_sys_wheel_timer with the exact due time', () => {
  for (const [properties, due] of [
    [{ TIMER_DELAY_SEC: '10', TIMER_DELAY_MS: '1', TIMER_DELIVER_MS: '5' }, NOW + 10_000],
    [{ TIMER_DELAY_MS: '1234', TIMER_DELIVER_MS: '5' }, NOW + 1234],
    [{ TIMER_DELIVER_MS: String(NOW + 777) }, NOW + 777],
  ] as const) {
    const routed = routeTimer(SETTINGS, put({ TAGS: 'T', ...properties }), NOW);
    assert.equal(routed.topic, TIMER_TOPIC);
    assert.equal(routed.queueId, 0);
    const stored = decodeProperties(routed.properties);
    assert.equal(stored.get('TIMER_OUT_MS'), String(due), JSON.stringify(properties));
    assert.equal(stored.get('REAL_TOPIC'), 'TopicA');
    assert.equal(stored.get('REAL_QID'), '3');
  }
});

test('timer-route - a due time now or past, a delay level, a fired timer message or a half message are not scheduled', () => {
  const past = put({ TIMER_DELIVER_MS: String(NOW - 1) });
  assert.equal(routeTimer(SETTINGS, past, NOW), past, 'past: stored as is, delivered at once');
  const now = put({ TIMER_DELAY_MS: '0' });
  assert.equal(routeTimer(SETTINGS, now, NOW), now);
  const delayed = routeTimer(SETTINGS, put({ DELAY: '2', TIMER_DELAY_SEC: '5', TAGS: 'T' }), NOW);
  assert.equal(delayed.topic, 'TopicA');
  assert.deepEqual([...decodeProperties(delayed.properties).keys()], ['DELAY', 'TAGS'], 'the delay level wins; TIMER_* dropped');
  const fired = put({ TIMER_DELAY_SEC: '5', TIMER_OUT_MS: '1' });
  assert.equal(routeTimer(SETTINGS, fired, NOW), fired);
  const half = put({ TIMER_DELAY_SEC: '5' }, MessageSysFlag.TRANSACTION_PREPARED_TYPE);
  assert.equal(routeTimer(SETTINGS, half, NOW), half);
  assert.equal(routeTimer(SETTINGS, put({ TIMER_DELAY_SEC: '5' }, MessageSysFlag.TRANSACTION_COMMIT_TYPE), NOW).topic, TIMER_TOPIC);
});

test('timer-route - beyond timerMaxDelaySec or not a number: MESSAGE_ILLEGAL with Java\'s remark; timerWheelEnable=false: SYSTEM_ERROR', () => {
  assert.equal(routeTimer(SETTINGS, put({ TIMER_DELAY_SEC: '259200' }), NOW).topic, TIMER_TOPIC, 'exactly the max is fine');
  const tooFar = refusal(() => routeTimer(SETTINGS, put({ TIMER_DELAY_MS: '259200001' }), NOW));
  assert.deepEqual(tooFar, { code: ResponseCode.MESSAGE_ILLEGAL, remark: timerIllegalRemark(259_200) });
  assert.match(tooFar.remark, /^timer message illegal, the delay time should not be bigger than the max delay 259200000ms; or if set del msg/);
  const longer = routeTimer({ ...SETTINGS, timerMaxDelaySec: 365 * 86_400 }, put({ TIMER_DELAY_SEC: String(300 * 86_400) }), NOW);
  assert.equal(decodeProperties(longer.properties).get('TIMER_OUT_MS'), String(NOW + 300 * 86_400_000), 'a longer max is allowed');
  for (const bad of ['soon', '1.5', ' 5', '99999999999999999999']) {
    const refused = refusal(() => routeTimer(SETTINGS, put({ TIMER_DELIVER_MS: bad }), NOW));
    assert.equal(refused.code, ResponseCode.MESSAGE_ILLEGAL, bad);
    assert.ok(refused.remark.includes('TIMER_DELIVER_MS'), refused.remark);
  }
  const off = refusal(() => routeTimer({ ...SETTINGS, timerWheelEnable: false }, put({ TIMER_DELAY_SEC: '5' }), NOW));
  assert.deepEqual(off, { code: ResponseCode.SYSTEM_ERROR, remark: 'accurate timer message is not enabled, timerWheelEnable is false' });
});

test('timer-route - recall handle: Java\'s Base64 URL encoding with padding of "v1 topic broker TIMER_OUT_MS+1 UNIQ_KEY"', () => {
  // Expected values computed independently (Python base64.urlsafe_b64encode).
  const handle = { topic: 'TopicA', brokerName: 'broker-a', timestamp: '1700000000124', messageId: '7F0000010001B4AAC14B1DFB1E8B0000' };
  const text = 'djEgVG9waWNBIGJyb2tlci1hIDE3MDAwMDAwMDAxMjQgN0YwMDAwMDEwMDAxQjRBQUMxNEIxREZCMUU4QjAwMDA=';
  assert.equal(encodeRecallHandle(handle), text);
  assert.equal(encodeRecallHandle({ topic: 'T', brokerName: 'b', timestamp: '1', messageId: 'x' }), 'djEgVCBiIDEgeA==');
  assert.equal(encodeRecallHandle({ topic: '%RETRY%', brokerName: 'ab>?', timestamp: '1', messageId: '?' }), 'djEgJVJFVFJZJSBhYj4_IDEgPw==', '- and _, not + and /');
  assert.deepEqual(decodeRecallHandle(text), handle);
  assert.deepEqual(decodeRecallHandle(text.replace(/=+$/, '')), handle, 'padding is optional when decoding, as Java\'s decoder');
  const stored = routeTimer(SETTINGS, put({ TIMER_DELAY_MS: '123', UNIQ_KEY: handle.messageId }), NOW);
  assert.deepEqual(decodeRecallHandle(recallHandleOf(stored, 'broker-a')), { ...handle, timestamp: String(NOW + 124) });
  assert.equal(recallHandleOf(put({ UNIQ_KEY: 'x' }), 'broker-a'), undefined, 'not a timer message');
  for (const bad of [undefined, '', 'djEgVCBiIDE=', 'd+Eg', 'dj!g', Buffer.from('v2 T b 1 x').toString('base64url'), 'a']) {
    assert.equal(decodeRecallHandle(bad), undefined, String(bad));
  }
});

function waiting(properties: Record<string, string>): MessageRecord {
  return {
    size: 200,
    bodyCrc: 0,
    queueId: 0,
    flag: 7,
    queueOffset: 5,
    commitLogOffset: 4096,
    sysFlag: 0,
    bornTimestamp: NOW - 10,
    bornHost: Buffer.alloc(8),
    storeTimestamp: NOW,
    storeHost: Buffer.alloc(8),
    reconsumeTimes: 1,
    preparedTransactionOffset: 0,
    body: Buffer.from('hello'),
    topic: TIMER_TOPIC,
    properties: encodeProperties(new Map(Object.entries(properties))),
  };
}

test('timer-route - delivery puts to REAL_TOPIC / REAL_QID without them, with TIMER_ENQUEUE_MS / TIMER_DEQUEUE_MS, tags hash recomputed', () => {
  const record = waiting({ TAGS: 'TagA', UNIQ_KEY: 'U1', TIMER_DELAY_SEC: '5', TIMER_OUT_MS: String(NOW + 5000), REAL_TOPIC: 'TopicA', REAL_QID: '3' });
  const delivered = timerDelivery(record, String(NOW), NOW + 5001);
  assert.ok(delivered.ok);
  const { request } = delivered;
  assert.equal(request.topic, 'TopicA');
  assert.equal(request.queueId, 3);
  assert.equal(request.tagsCode, tagsCode('TagA'));
  assert.equal(request.flag, 7);
  assert.equal(request.reconsumeTimes, 1);
  assert.deepEqual(Object.fromEntries(decodeProperties(request.properties)), {
    TAGS: 'TagA',
    UNIQ_KEY: 'U1',
    TIMER_DELAY_SEC: '5',
    TIMER_OUT_MS: String(NOW + 5000),
    TIMER_ENQUEUE_MS: String(NOW),
    TIMER_DEQUEUE_MS: String(NOW + 5001),
  });
  assert.equal(timerDelivery(waiting({ REAL_QID: '1' }), '0', NOW).ok, false, 'no real topic');
  assert.equal(timerDelivery(waiting({ REAL_TOPIC: 'T', REAL_QID: '-1' }), '0', NOW).ok, false);
  assert.equal(timerDelivery(waiting({ REAL_TOPIC: 'T', REAL_QID: '0', TIMER_DEL_UNIQKEY: 'T+U' }), '0', NOW).ok, false, 'a marker is never delivered');
  const again = timerRefresh(waiting({ REAL_TOPIC: 'T', REAL_QID: '0', TIMER_ROLL_TIMES: '2' }));
  assert.equal(again.topic, TIMER_TOPIC);
  assert.equal(decodeProperties(again.properties).get('TIMER_ROLL_TIMES'), '3');
});
