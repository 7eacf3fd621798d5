import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeBrokerStatsData, encodeBrokerStatsData } from './broker-stats-data.js';

// BrokerStatsData as fastjson writes it (keys sorted, doubles with a decimal point).
const JAVA = '{"statsDay":{"avgpt":2.5,"sum":12,"tps":0.0},"statsHour":{"avgpt":2.5,"sum":12,"tps":0.2},"statsMinute":{"avgpt":1.0,"sum":6,"tps":0.1}}';

test('broker-stats-data - encodes as fastjson and decodes Java\'s text', () => {
  const data = {
    statsMinute: { sum: 6, tps: 0.1, avgpt: 1 },
    statsHour: { sum: 12, tps: 0.2, avgpt: 2.5 },
    statsDay: { sum: 12, tps: 0, avgpt: 2.5 },
  };
  assert.equal(encodeBrokerStatsData(data).toString(), JAVA);
  assert.deepEqual(decodeBrokerStatsData(Buffer.from(JAVA)), data);
});

test('broker-stats-data - a missing period reads as zeros; a bad number is a BodyError', () => {
  assert.deepEqual(decodeBrokerStatsData(Buffer.from('{"statsMinute":{"sum":1,"tps":1.5,"avgpt":0.0}}')).statsDay, { sum: 0, tps: 0, avgpt: 0 });
  assert.throws(() => decodeBrokerStatsData(Buffer.from('{"statsMinute":{"sum":1,"tps":"x"}}')), /statsMinute\.tps is not a number/);
  assert.throws(() => decodeBrokerStatsData(Buffer.from('[]')));
});
