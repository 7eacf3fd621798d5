import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { encodeProperties, MessageConst, MessageSysFlag, type MessageRecord } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { createMessageStore, storeConfigWith, type AppendedMessage, type MessageStore } from '../../store/index.js';
import { ManualClock } from '../../time/index.js';
import { ConsumerOffsetManager } from '../offset/consumer-offset-manager.js';
import { TransactionCheckService } from './check-service.js';
import { TransactionState } from './transaction-state.js';
import { checkTimesOf, toHalfMessage } from './transactional-message-util.js';

const NOW = 1_800_000_000_000;
const HOST = Buffer.from([127, 0, 0, 1, 0, 0, 0x2a, 0x9f]);

interface Fixture {
  readonly clock: ManualClock;
  readonly store: MessageStore;
  readonly checks: { record: MessageRecord; copy: AppendedMessage }[];
  readonly service: TransactionCheckService;
  close(): Promise<void>;
}

async function open(dir: string): Promise<Fixture> {
  const clock = new ManualClock(NOW);
  const logger = testLogger();
  const store = createMessageStore({ config: storeConfigWith({ storePathRootDir: dir }), storeHost: HOST, clock, logger });
  await store.start();
  const offsets = new ConsumerOffsetManager(join(dir, 'consumerOffset.json'), 60_000, logger);
  await offsets.load();
  const state = new TransactionState(store, offsets, logger);
  await state.load();
  const checks: Fixture['checks'] = [];
  const service = new TransactionCheckService({
    store,
    state,
    settings: { transactionTimeOut: 1000, transactionCheckMax: 15, transactionCheckInterval: 3_600_000, fileReservedTime: 72 },
    clock,
    logger,
    sendCheck: (record, copy) => checks.push({ record, copy }) > 0,
    writeOp: () => Promise.resolve(true),
    ensureDiscardTopic: () => undefined,
  });
  service.start(); // rounds on their own only every hour; the tests run them
  return {
    clock,
    store,
    checks,
    service,
    async close() {
      await service.shutdown();
      await offsets.shutdown();
      await store.shutdown();
    },
  };
}

async function putHalf(store: MessageStore, body: string, bornTimestamp: number): Promise<void> {
  const properties = encodeProperties(new Map([[MessageConst.TRANSACTION_PREPARED, 'true'], [MessageConst.PRODUCER_GROUP, 'PID_check'], [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, `U-${body}`]]));
  const request = {
    topic: 'Real',
    queueId: 0,
    flag: 0,
    body: Buffer.from(body),
    properties,
    sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE,
    bornTimestamp,
    bornHost: HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: 0,
  };
  const result = await store.putMessage(toHalfMessage(request, `U-${body}`));
  assert.equal(result.status, 'PUT_OK');
}

// A round used to stop at a half stored at or after the millisecond it began (Java's store-time
// test, meant to stop at the round's own copies): a half stored in that same millisecond, right
// before the round, waited for the next round, an hour later. The frozen clock makes every store
// time equal to the round's start.
test('check-service - a half stored in the millisecond the round begins is checked; the round never meets its own copy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tx-check-'));
  const fixture = await open(dir);
  try {
    await putHalf(fixture.store, 'old', NOW - 10_000);
    const first = await fixture.service.check();
    assert.equal(first.checked, 1);
    assert.deepEqual(fixture.checks.map((check) => check.record.body.toString()), ['old']);
    assert.equal(first.halfProgress, 1, 'past the half, before its copy');
    assert.equal(fixture.checks[0]?.copy.queueOffset, 1);
    const second = await fixture.service.check();
    assert.equal(second.checked, 1, 'the copy is checked in the next round');
    assert.equal(checkTimesOf(fixture.checks[1]?.record as MessageRecord), 1, 'the copy the first round made');
    assert.equal(second.halfProgress, 2);
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('check-service - a round stops at a half younger than transactionTimeOut and checks it once it is old enough', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tx-check-'));
  const fixture = await open(dir);
  try {
    await putHalf(fixture.store, 'old', NOW - 10_000);
    await putHalf(fixture.store, 'young', NOW - 500);
    const first = await fixture.service.check();
    assert.deepEqual(fixture.checks.map((check) => check.record.body.toString()), ['old']);
    assert.equal(first.halfProgress, 1, 'stopped at the young half');
    fixture.clock.advance(600);
    const second = await fixture.service.check();
    assert.deepEqual(fixture.checks.map((check) => check.record.body.toString()), ['old', 'young', 'old'], 'the young half, then the copy of the old one');
    assert.equal(second.halfProgress, 3, 'past what was there when the round began');
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});
