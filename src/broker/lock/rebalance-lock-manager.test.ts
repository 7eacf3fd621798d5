import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { ManualClock } from '../../time/index.js';
import { RebalanceLockManager } from './rebalance-lock-manager.js';

const LIVE_MS = 60_000;
const queues = [0, 1, 2, 3].map((queueId) => ({ topic: 'T', brokerName: 'broker-a', queueId }));
const [q0, q1, q2, q3] = queues as [(typeof queues)[0], (typeof queues)[0], (typeof queues)[0], (typeof queues)[0]];

function manager(): { clock: ManualClock; locks: RebalanceLockManager } {
  const clock = new ManualClock(1_000_000);
  return { clock, locks: new RebalanceLockManager(clock, LIVE_MS, testLogger()) };
}

test('rebalance-lock - a queue is held by one client of a group at a time; other groups lock independently', () => {
  const { locks } = manager();
  assert.deepEqual(locks.tryLockBatch('G', [q0, q1], 'A'), [q0, q1]);
  assert.deepEqual(locks.tryLockBatch('G', [q1, q2], 'B'), [q2], 'B gets only the free queue');
  assert.deepEqual(locks.tryLockBatch('G', queues, 'A'), [q0, q1, q3], 'A keeps its own, not B\'s');
  assert.equal(locks.holder('G', q2), 'B');
  assert.deepEqual(locks.tryLockBatch('H', queues, 'B'), queues, 'another group has its own locks');
});

test('rebalance-lock - locks expire strictly after the live time without renewal, and renewal keeps them', () => {
  const { clock, locks } = manager();
  locks.tryLockBatch('G', [q0, q1], 'A');
  clock.advance(LIVE_MS);
  assert.deepEqual(locks.tryLockBatch('G', [q0, q1], 'B'), [], 'exactly the live time later the locks still hold');
  assert.deepEqual(locks.tryLockBatch('G', [q0], 'A'), [q0], 'A renews q0');
  clock.advance(1);
  assert.deepEqual(locks.tryLockBatch('G', [q0, q1], 'B'), [q1], 'q1 expired and went to B; q0 was renewed');
  assert.equal(locks.holder('G', q0), 'A');
  assert.equal(locks.holder('G', q1), 'B');
  clock.advance(LIVE_MS + 1);
  assert.equal(locks.holder('G', q0), undefined);
  assert.ok(locks.isLockAllExpired('G'));
  assert.deepEqual(locks.tryLockBatch('G', [q0], 'A'), [q0], 'an expired lock of its own is taken again');
});

test('rebalance-lock - only the holder unlocks; isLockAllExpired follows the live locks', () => {
  const { locks } = manager();
  assert.ok(locks.isLockAllExpired('G'));
  locks.tryLockBatch('G', [q0, q1], 'A');
  assert.equal(locks.isLockAllExpired('G'), false);
  locks.unlockBatch('G', [q0, q1], 'B');
  assert.equal(locks.holder('G', q0), 'A', 'B cannot unlock A\'s queues');
  locks.unlockBatch('G', [q0], 'A');
  assert.deepEqual(locks.tryLockBatch('G', [q0, q1], 'B'), [q0]);
  locks.unlockBatch('G', [q0], 'B');
  locks.unlockBatch('G', [q1], 'A');
  locks.unlockBatch('Nobody', [q1], 'A');
  assert.ok(locks.isLockAllExpired('G'));
});

test('rebalance-lock - sweep drops only expired locks', () => {
  const { clock, locks } = manager();
  locks.tryLockBatch('G', [q0], 'A');
  clock.advance(LIVE_MS / 2);
  locks.tryLockBatch('G', [q1], 'A');
  clock.advance(LIVE_MS / 2 + 1);
  locks.sweep();
  assert.equal(locks.holder('G', q0), undefined);
  assert.equal(locks.holder('G', q1), 'A');
  assert.deepEqual(locks.tryLockBatch('G', [q0, q1], 'B'), [q0]);
});
