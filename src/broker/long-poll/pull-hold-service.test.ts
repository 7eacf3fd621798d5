import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PullHoldService } from './pull-hold-service.js';

const everything = { isMatchedByConsumeQueue: () => true };
const onlyTen = { isMatchedByConsumeQueue: (code: number) => code === 10 };

test('pull-hold-service - a matching arrival wakes the held pull', async () => {
  let max = 5;
  const service = new PullHoldService(10, () => max);
  const held = service.hold('T', 0, 5, onlyTen, 60_000);
  assert.equal(service.heldCount, 1);
  max = 6;
  service.notifyArrival('T', 0, 6, 11);
  service.notifyArrival('T', 1, 6, 10);
  assert.equal(service.heldCount, 1, 'a non-matching tag or another queue does not wake it');
  service.notifyArrival('T', 0, 7, 10);
  assert.equal(await held, 'ARRIVED');
  assert.equal(service.heldCount, 0);
});

test('pull-hold-service - times out, refuses past its bound, and wakes everyone at shutdown', async () => {
  const service = new PullHoldService(2, () => 0);
  assert.equal(await service.hold('T', 0, 0, everything, 1), 'TIMEOUT');
  const a = service.hold('T', 0, 0, everything, 60_000);
  const b = service.hold('T', 1, 0, everything, 60_000);
  assert.equal(await service.hold('T', 2, 0, everything, 60_000), 'FULL');
  service.shutdown();
  assert.deepEqual(await Promise.all([a, b]), ['SHUTDOWN', 'SHUTDOWN']);
  assert.equal(await service.hold('T', 0, 0, everything, 60_000), 'SHUTDOWN');
});

test('pull-hold-service - a message that arrived before the hold answers at once', async () => {
  const service = new PullHoldService(10, () => 8);
  assert.equal(await service.hold('T', 0, 7, everything, 60_000), 'ARRIVED');
  assert.equal(service.heldCount, 0);
});
