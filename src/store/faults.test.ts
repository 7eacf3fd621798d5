/**
 * The store under I/O faults from file/faulty-file.ts: a full disk (ENOSPC) and a failing disk
 * (EIO on write, fdatasync and read). Seeded: SEED=n replays, STORE_SEEDS=n runs more.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoreConfig } from './config.js';
import { FaultyFileSystem } from './file/faulty-file.js';
import { SeededRandom } from './file/seeded-random.js';
import type { MessageStore, PutMessageResult } from './message-store.js';
import { smallConfig, startStore, withTempDir } from './testing/fixture.js';
import { Ledger, LEDGER_QUEUES, LEDGER_TOPICS, testSeeds, withSeed } from './testing/ledger.js';

const SEGMENT_BYTES = 4096;
const reasonOf = (result: PutMessageResult): string => ('reason' in result ? result.reason : '');

function queueEnds(store: MessageStore): number[] {
  return LEDGER_TOPICS.flatMap((topic) => Array.from({ length: LEDGER_QUEUES }, (_, queueId) => store.getMaxOffsetInQueue(topic, queueId)));
}

function config(root: string, flushDiskType: StoreConfig['flushDiskType']): StoreConfig {
  return smallConfig(root, { flushDiskType, flushIntervalCommitLog: 5, flushCommitLogLeastPages: 0, flushIntervalConsumeQueue: 5 });
}

/** Puts `count` messages at once, each a new attempt of `ledger`; returns the uids and results. */
async function putAll(store: MessageStore, ledger: Ledger, count: number, random: SeededRandom): Promise<{ uid: string; result: PutMessageResult }[]> {
  const attempts = Array.from({ length: count }, () => ledger.nextAttempt(LEDGER_TOPICS[random.int(3)] as string, random.int(LEDGER_QUEUES)));
  return Promise.all(attempts.map(async (attempt) => ({ uid: attempt.uid, result: await store.putMessage(attempt.request) })));
}

/** After a restart: no put that was answered "not stored" is there. */
function assertAbsent(found: Map<string, string[]>, refused: ReadonlySet<string>): void {
  for (const uids of found.values()) for (const uid of uids) assert.ok(!refused.has(uid), `${uid} was refused but is stored`);
}

for (const flushDiskType of ['SYNC_FLUSH', 'ASYNC_FLUSH'] as const) {
  test(`store faults - ${flushDiskType}: a full disk refuses puts with "disk full", damages nothing, and puts succeed again once space returns`, async () => {
    for (const seed of testSeeds(2)) {
      const random = new SeededRandom(seed);
      const ledger = new Ledger(random.fork());
      await withTempDir(async (root) => {
        const fs = new FaultyFileSystem({ seed: random.next() });
        await withSeed(seed, () => fs.events.slice(-30).join('\n'), async () => {
          const { store } = await startStore(config(root, flushDiskType), { fs });
          assert.deepEqual((await ledger.run(store, { puts: 40, producers: 4, batchChance: 0.2 })).failures, []);
          const end = store.maxPhyOffset;
          const ends = queueEnds(store);

          fs.diskFull = true;
          const refused = await putAll(store, ledger, 25, random);
          for (const { result } of refused) {
            assert.equal(result.status, 'SERVICE_NOT_AVAILABLE');
            assert.match(reasonOf(result), /disk full/);
          }
          assert.equal(store.maxPhyOffset, end, 'the refused puts gave their CommitLog space back');
          assert.deepEqual(queueEnds(store), ends, 'and their queue offsets');
          await ledger.verify(store, true);

          fs.diskFull = false;
          const [first] = await putAll(store, ledger, 1, random);
          assert.equal(first?.result.status, 'PUT_OK', reasonOf(first?.result as PutMessageResult));
          assert.ok(first !== undefined && 'messages' in first.result);
          const next = first.result.messages[0];
          // Where the refused ones would have gone: at the end, or at the next segment when it does not fit there.
          assert.ok(next?.commitLogOffset === end || (next !== undefined && next.commitLogOffset % SEGMENT_BYTES === 0 && next.commitLogOffset - end < SEGMENT_BYTES), `next put at ${next?.commitLogOffset}, end ${end}`);
          const { topic, queueId } = ledger.attempts.get(first.uid)?.request ?? { topic: '', queueId: 0 };
          assert.equal(next?.queueOffset, ends[LEDGER_TOPICS.indexOf(topic as (typeof LEDGER_TOPICS)[number]) * LEDGER_QUEUES + queueId], 'and takes the queue offset they gave back');
          assert.deepEqual((await ledger.run(store, { puts: 40, producers: 4, batchChance: 0.2 })).failures, []);
          await ledger.verify(store, true);

          await fs.crash(flushDiskType === 'SYNC_FLUSH' ? 'POWER_LOSS' : 'PROCESS_KILL');
          await store.shutdown().catch(() => undefined);
          const again = await startStore(config(root, flushDiskType), { fs: new FaultyFileSystem({ seed: random.next() }) });
          assertAbsent((await ledger.verify(again.store, true)).found, new Set(refused.map(({ uid }) => uid)));
          await again.store.shutdown();
        });
      });
    }
  });
}

test('store faults - ASYNC_FLUSH: the disk fills and frees while many puts run; every answer is right after a restart', async () => {
  for (const seed of testSeeds(2)) {
    const random = new SeededRandom(seed);
    const ledger = new Ledger(random.fork());
    await withTempDir(async (root) => {
      const fs = new FaultyFileSystem({ seed: random.next() });
      await withSeed(seed, () => fs.events.slice(-30).join('\n'), async () => {
        const { store } = await startStore(config(root, 'ASYNC_FLUSH'), { fs });
        const refused = new Set<string>();
        let toggled = false;
        const toggling = (async () => {
          for (let flip = 0; flip < 12; flip++) {
            await new Promise((resolve) => setTimeout(resolve, random.between(0, 4)));
            fs.diskFull = !fs.diskFull;
          }
          fs.diskFull = false;
          toggled = true;
        })();
        // Rounds while the disk fills and frees, and one after (when every put must succeed).
        for (let round = 0; round < 100 && (round < 6 || !toggled); round++) await putRound(false);
        await toggling;
        await putRound(true);
        assert.ok(ledger.acked.size > 0);
        assertAbsent((await ledger.verify(store, true)).found, refused);
        await fs.crash('PROCESS_KILL');
        await store.shutdown().catch(() => undefined);
        const again = await startStore(config(root, 'ASYNC_FLUSH'), { fs: new FaultyFileSystem({ seed: random.next() }) });
        assertAbsent((await ledger.verify(again.store, true)).found, refused);
        await again.store.shutdown();

        async function putRound(spaceIsBack: boolean): Promise<void> {
          for (const { uid, result } of await putAll(store, ledger, 60, random)) {
            if (result.status === 'PUT_OK') {
              const { queueOffset, commitLogOffset, size, msgId } = result.messages[0] as (typeof result.messages)[number];
              const { topic, queueId } = ledger.attempts.get(uid)?.request ?? { topic: '', queueId: 0 };
              ledger.acked.set(uid, { uid, topic, queueId, queueOffset, commitLogOffset, size, msgId });
            } else {
              assert.match(reasonOf(result), /disk full/, `${result.status}`);
              assert.ok(!spaceIsBack, 'every put succeeds once space is back');
              refused.add(uid);
            }
          }
        }
      });
    });
  }
});

test('store faults - EIO on a CommitLog write: puts are refused until a restart, nothing stored is damaged', async () => {
  await withTempDir(async (root) => {
    const random = new SeededRandom(7);
    const ledger = new Ledger(random.fork());
    const fs = new FaultyFileSystem({ seed: 7 });
    const { store } = await startStore(config(root, 'SYNC_FLUSH'), { fs });
    assert.deepEqual((await ledger.run(store, { puts: 30, producers: 3, batchChance: 0.2 })).failures, []);
    fs.failWrites = 'EIO';
    const [failed] = await putAll(store, ledger, 1, random);
    assert.equal(failed?.result.status, 'SERVICE_NOT_AVAILABLE');
    assert.match(reasonOf(failed?.result as PutMessageResult), /CommitLog I\/O failed \(EIO.*refuses writes until restarted/);
    fs.failWrites = undefined;
    const [later] = await putAll(store, ledger, 1, random);
    assert.equal(later?.result.status, 'SERVICE_NOT_AVAILABLE', 'still refused: only a restart re-checks the tail');
    await ledger.verify(store, true);
    await store.shutdown().catch(() => undefined);
    await fs.crash('PROCESS_KILL');

    const again = await startStore(config(root, 'SYNC_FLUSH'), { fs: new FaultyFileSystem({ seed: 8 }) });
    await ledger.verify(again.store, true);
    assert.deepEqual((await ledger.run(again.store, { puts: 10, producers: 2, batchChance: 0 })).failures, []);
    await ledger.verify(again.store, true);
    await again.store.shutdown();
  });
});

test('store faults - EIO on fdatasync: a SYNC_FLUSH put is not acknowledged, and the store refuses puts until a restart', async () => {
  await withTempDir(async (root) => {
    const random = new SeededRandom(11);
    const ledger = new Ledger(random.fork());
    const fs = new FaultyFileSystem({ seed: 11 });
    const { store } = await startStore(config(root, 'SYNC_FLUSH'), { fs });
    assert.deepEqual((await ledger.run(store, { puts: 20, producers: 2, batchChance: 0 })).failures, []);
    fs.failSyncs = 'EIO';
    const results = await putAll(store, ledger, 5, random);
    for (const { result } of results) assert.equal(result.status, 'SERVICE_NOT_AVAILABLE', 'never PUT_OK without the fdatasync');
    fs.failSyncs = undefined;
    await store.shutdown().catch(() => undefined);
    await fs.crash('POWER_LOSS');
    const again = await startStore(config(root, 'SYNC_FLUSH'), { fs: new FaultyFileSystem({ seed: 12 }) });
    await ledger.verify(again.store, true);
    await again.store.shutdown();
  });
});

test('store faults - EIO on reads: a pull fails with the error, and a start fails until the disk reads again', async () => {
  await withTempDir(async (root) => {
    const random = new SeededRandom(13);
    const ledger = new Ledger(random.fork());
    const fs = new FaultyFileSystem({ seed: 13 });
    const { store } = await startStore(config(root, 'ASYNC_FLUSH'), { fs });
    assert.deepEqual((await ledger.run(store, { puts: 300, producers: 4, batchChance: 0.2 })).failures, []);
    fs.failReads = 'EIO';
    await assert.rejects(store.getMessage({ topic: 'TopicA', queueId: 0, offset: 0, maxMsgNums: 32 }), /EIO/);
    fs.failReads = undefined;
    await ledger.verify(store, true);
    await fs.crash('PROCESS_KILL');
    await store.shutdown().catch(() => undefined);

    const failing = new FaultyFileSystem({ seed: 14 });
    failing.failReads = 'EIO';
    const asyncConfig = config(root, 'ASYNC_FLUSH');
    await assert.rejects(startStore(asyncConfig, { fs: failing }), /EIO/);
    await failing.crash('PROCESS_KILL');
    const again = await startStore(asyncConfig, { fs: new FaultyFileSystem({ seed: 15 }) });
    await ledger.verify(again.store, true);
    await again.store.shutdown();
  });
});
