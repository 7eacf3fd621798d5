import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, encodeProperties } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { ManualClock } from '../../time/index.js';
import type { StoreConfig } from '../config.js';
import { DefaultMessageStore } from '../default-message-store.js';
import type { AppendedMessage, PutMessageRequest, PutMessageResult } from '../message-store.js';
import { putRequest, smallConfig, STORE_HOST, waitFor, withTempDir } from '../testing/fixture.js';
import { isTimeToDelete, parseDeleteWhen } from './delete-when.js';

const SEGMENT = 4096;
const HOUR = 3_600_000;
/** A local 10:00, away from the default deleteWhen hour 04. */
const TEN_AM = new Date(2024, 0, 2, 10, 0, 0, 0).getTime();
/** 04:30 local on the next day. */
const NEXT_FOUR_AM = new Date(2024, 0, 3, 4, 30, 0, 0).getTime();

interface Under {
  readonly store: DefaultMessageStore;
  readonly clock: ManualClock;
  /** What the injected disk-usage reading says (0..1). */
  usage: number;
}

function retentionConfig(root: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return smallConfig(root, {
    mappedFileSizeConsumeQueue: 20 * 8,
    fileReservedTime: 1,
    cleanResourceInterval: 3_600_000,
    deleteCommitLogFilesInterval: 0,
    deleteConsumeQueueFilesInterval: 0,
    deleteFileBatchMax: 3,
    maxHashSlotNum: 16,
    maxIndexNum: 21,
    ...overrides,
  });
}

async function start(config: StoreConfig, now = TEN_AM): Promise<Under> {
  const clock = new ManualClock(now);
  const under = { clock, usage: 0.5 } as { store: DefaultMessageStore; clock: ManualClock; usage: number };
  under.store = new DefaultMessageStore({ config, storeHost: STORE_HOST, clock, logger: testLogger(), diskUsage: () => Promise.resolve(under.usage) });
  await under.store.start();
  return under;
}

function stored(result: PutMessageResult): AppendedMessage {
  assert.equal(result.status, 'PUT_OK', JSON.stringify(result));
  assert.ok('messages' in result && result.messages[0] !== undefined);
  return result.messages[0];
}

function message(index: number): PutMessageRequest {
  return { ...putRequest('RetentionTopic', index % 2, `message ${index} `.padEnd(120, '.')), properties: encodeProperties(new Map([['KEYS', `k${index}`]])) };
}

/** Puts `count` messages over queues 0 and 1; returns the last one. */
async function putMany(store: DefaultMessageStore, from: number, count: number): Promise<AppendedMessage> {
  let last: AppendedMessage | undefined;
  for (let index = from; index < from + count; index++) last = stored(await store.putMessage(message(index)));
  assert.ok(last !== undefined);
  return last;
}

const files = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();
const segmentOf = (offset: number): number => offset - (offset % SEGMENT);

test('delete-when - RocketMQ\'s "04" and "04;05" forms, local hours', () => {
  assert.deepEqual(parseDeleteWhen('04'), [4]);
  assert.deepEqual(parseDeleteWhen('04;05'), [4, 5]);
  assert.deepEqual(parseDeleteWhen(' 4 ; 23 '), [4, 23]);
  for (const bad of ['', '24', '4;', 'x', '-1', '04,05']) assert.equal(parseDeleteWhen(bad), undefined, bad);
  assert.ok(isTimeToDelete([4], new Date(2024, 5, 1, 4, 59).getTime()));
  assert.ok(!isTimeToDelete([4], new Date(2024, 5, 1, 5, 0).getTime()));
  assert.ok(isTimeToDelete([4, 5], new Date(2024, 5, 1, 5, 0).getTime()));
});

test('retention - expired files go at the deleteWhen hour, oldest first and bounded per round, never the segment being written', async () => {
  await withTempDir(async (root) => {
    const { store, clock } = await start(retentionConfig(root));
    const last = await putMany(store, 0, 200);
    const segments = (await files(join(root, 'commitlog'))).length;
    assert.ok(segments >= 6, `${segments} segments`);
    clock.advance(2 * HOUR);
    assert.equal((await store.retentionRound()).commitLogFiles, 0, 'expired, but 12:00 is not the deleteWhen hour');
    assert.equal(store.minPhyOffset, 0);
    clock.set(NEXT_FOUR_AM);
    assert.equal((await store.retentionRound()).commitLogFiles, 3, 'deleteFileBatchMax per round');
    assert.equal(store.minPhyOffset, 3 * SEGMENT);
    for (let round = 0; round < segments; round++) await store.retentionRound();
    assert.equal(store.minPhyOffset, segmentOf(store.maxPhyOffset), 'everything but the segment being written');
    assert.deepEqual(await files(join(root, 'commitlog')), [String(segmentOf(store.maxPhyOffset)).padStart(20, '0')]);
    assert.ok((await store.lookMessageByOffset(last.commitLogOffset)) !== undefined, 'the newest message is still there');
    const next = stored(await store.putMessage(message(200)));
    assert.equal(next.commitLogOffset, last.commitLogOffset + last.size);
    await store.shutdown();
  });
});

test('retention - ConsumeQueue and index files below the minimum go, queues start at the new minimum', async () => {
  await withTempDir(async (root) => {
    const { store, clock } = await start(retentionConfig(root, { deleteFileBatchMax: 100, flushIntervalConsumeQueue: 10 }));
    await putMany(store, 0, 200);
    await waitFor(() => (store.indexProgress?.indexedOffset ?? 0) >= store.maxPhyOffset);
    await waitFor(async () => (await files(join(root, 'consumequeue', 'RetentionTopic', '1'))).length > 4);
    const queueFilesBefore = (await files(join(root, 'consumequeue', 'RetentionTopic', '0'))).length;
    const indexFilesBefore = (await files(join(root, 'index'))).length;
    assert.ok(queueFilesBefore > 4 && indexFilesBefore > 4, `${queueFilesBefore} queue files, ${indexFilesBefore} index files`);
    clock.set(NEXT_FOUR_AM);
    const round = await store.retentionRound();
    assert.ok(round.commitLogFiles > 0 && round.consumeQueueFiles > 0 && round.indexFiles > 0, JSON.stringify(round));
    assert.ok((await files(join(root, 'consumequeue', 'RetentionTopic', '0'))).length < queueFilesBefore);
    assert.ok((await files(join(root, 'index'))).length < indexFilesBefore);
    for (const queueId of [0, 1]) {
      const min = store.getMinOffsetInQueue('RetentionTopic', queueId);
      assert.ok(min > 0, `queue ${queueId} min ${min}`);
      const tooSmall = await store.getMessage({ topic: 'RetentionTopic', queueId, offset: min - 1, maxMsgNums: 1 });
      assert.equal(tooSmall.status, 'OFFSET_TOO_SMALL');
      assert.equal(tooSmall.nextBeginOffset, min);
      const first = await store.getMessage({ topic: 'RetentionTopic', queueId, offset: min, maxMsgNums: 1 });
      assert.equal(first.status, 'FOUND');
      const decoded = decodeRecord(first.records[0] as Buffer, 0);
      assert.ok(decoded.kind === 'MESSAGE' && decoded.message.commitLogOffset >= store.minPhyOffset);
    }
    const gone = await store.queryMessage({ topic: 'RetentionTopic', key: 'k0', maxNum: 1, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER });
    assert.equal(gone.records.length, 0);
    const kept = await store.queryMessage({ topic: 'RetentionTopic', key: 'k199', maxNum: 1, beginTimestamp: 0, endTimestamp: Number.MAX_SAFE_INTEGER });
    assert.equal(kept.records.length, 1);
    await store.shutdown();

    const again = await start(retentionConfig(root), NEXT_FOUR_AM);
    for (const queueId of [0, 1]) assert.ok(again.store.getMinOffsetInQueue('RetentionTopic', queueId) > 0, 'the minimum survives a restart');
    assert.equal(again.store.minPhyOffset, segmentOf(again.store.maxPhyOffset));
    await again.store.shutdown();
  });
});

test('retention - a file is kept until fileReservedTime has passed since its last write', async () => {
  await withTempDir(async (root) => {
    const { store, clock } = await start(retentionConfig(root, { deleteFileBatchMax: 100 }), NEXT_FOUR_AM - 4 * HOUR);
    const lastOld = await putMany(store, 0, 100);
    clock.set(NEXT_FOUR_AM - 45 * 60_000);
    await putMany(store, 100, 100);
    clock.set(NEXT_FOUR_AM);
    await store.retentionRound();
    // The segment holding the last old message was written to until the first new message
    // arrived (its closing blank record), 45 minutes ago: it stays, like every later one.
    assert.equal(store.minPhyOffset, segmentOf(lastOld.commitLogOffset));
    await store.shutdown();
  });
});

test('retention - over diskMaxUsedSpaceRatio expired files go whatever the hour; over diskSpaceCleanForciblyRatio the oldest go at once', async () => {
  await withTempDir(async (root) => {
    const under = await start(retentionConfig(root));
    await putMany(under.store, 0, 200);
    under.usage = 0.8;
    assert.equal((await under.store.retentionRound()).commitLogFiles, 0, 'over 75% but nothing is expired yet');
    under.clock.advance(2 * HOUR);
    assert.equal((await under.store.retentionRound()).commitLogFiles, 3, '12:00, yet expired files go');
    under.clock.advance(-2 * HOUR);
    await putMany(under.store, 200, 50);
    under.usage = 0.86;
    assert.equal((await under.store.retentionRound()).commitLogFiles, 3, 'over 85%: unexpired files go too');
    assert.equal(under.store.minPhyOffset, 6 * SEGMENT);
    await under.store.shutdown();
  });
});

test('retention - past diskSpaceWarningLevelRatio puts are refused as the disk is full, and accepted again below it', async () => {
  await withTempDir(async (root) => {
    const under = await start(retentionConfig(root, { cleanFileForciblyEnable: false }));
    const before = await putMany(under.store, 0, 5);
    under.usage = 0.93;
    const full = await under.store.retentionRound();
    assert.match(full.diskFull ?? '', /disk is full: 93% .* over diskSpaceWarningLevelRatio 90%/);
    const refused = await under.store.putMessage(message(5));
    assert.equal(refused.status, 'SERVICE_NOT_AVAILABLE');
    assert.match('reason' in refused ? refused.reason : '', /the disk is full/);
    assert.equal(under.store.maxPhyOffset, before.commitLogOffset + before.size, 'nothing was stored');
    assert.ok((await under.store.lookMessageByOffset(before.commitLogOffset)) !== undefined, 'reads go on');
    under.usage = -1;
    await under.store.retentionRound();
    assert.equal((await under.store.putMessage(message(6))).status, 'SERVICE_NOT_AVAILABLE', 'no reading keeps the last decision');
    under.usage = 0.6;
    assert.equal((await under.store.retentionRound()).diskFull, undefined);
    stored(await under.store.putMessage(message(7)));
    await under.store.shutdown();
  });
});

test('retention - DELETE_EXPIRED_COMMITLOG deletes expired files outside the deleteWhen hour', async () => {
  await withTempDir(async (root) => {
    const { store, clock } = await start(retentionConfig(root));
    await putMany(store, 0, 200);
    await store.executeDeleteFilesManually();
    assert.equal(store.minPhyOffset, 0, 'nothing is expired yet');
    clock.advance(2 * HOUR);
    await store.executeDeleteFilesManually();
    assert.equal(store.minPhyOffset, 3 * SEGMENT);
    await store.retentionRound();
    assert.equal(store.minPhyOffset, 6 * SEGMENT, 'the next rounds go on deleting whatever the hour');
    await store.shutdown();
  });
});

test('retention - the schedule runs rounds on its own every cleanResourceInterval', async () => {
  await withTempDir(async (root) => {
    const under = await start(retentionConfig(root, { cleanResourceInterval: 20 }));
    await putMany(under.store, 0, 100);
    under.clock.set(NEXT_FOUR_AM);
    await waitFor(() => under.store.minPhyOffset > 0);
    under.usage = 0.95;
    await waitFor(async () => (await under.store.putMessage(message(100))).status === 'SERVICE_NOT_AVAILABLE');
    await under.store.shutdown();
  });
});
