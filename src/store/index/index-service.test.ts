import assert from 'node:assert/strict';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, encodeProperties, MessageSysFlag } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { ManualClock } from '../../time/index.js';
import type { StoreConfig } from '../config.js';
import type { DefaultMessageStore } from '../default-message-store.js';
import { FilePool } from '../file/file-pool.js';
import { nodeFileSystem } from '../file/node-file.js';
import type { MessageStore, PutMessageRequest } from '../message-store.js';
import { InstrumentedFileSystem, putRequest, smallConfig, startStore, waitFor, withTempDir } from '../testing/fixture.js';
import type { IndexableMessage } from './index-keys.js';
import { INDEX_QUEUE_MESSAGES_MAX, IndexService } from './index-service.js';

const T0 = 1_700_000_000_000;
const FOREVER = Number.MAX_SAFE_INTEGER;

function keyed(topic: string, body: string, keys: readonly string[], uniqKey?: string, sysFlag = 0): PutMessageRequest {
  const properties = new Map<string, string>();
  if (keys.length > 0) properties.set('KEYS', keys.join(' '));
  if (uniqKey !== undefined) properties.set('UNIQ_KEY', uniqKey);
  return { ...putRequest(topic, 0, body), properties: encodeProperties(properties), sysFlag };
}

function indexConfig(root: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return smallConfig(root, { maxHashSlotNum: 16, maxIndexNum: 41, maxMsgsNumBatch: 16, ...overrides });
}

/** Waits until the index has caught up with everything stored. */
async function indexed(store: MessageStore): Promise<void> {
  const inner = store as DefaultMessageStore;
  await waitFor(() => (inner.indexProgress?.indexedOffset ?? -1) >= store.maxPhyOffset);
}

async function bodies(store: MessageStore, topic: string, key: string, maxNum = 64, begin = 0, end = FOREVER): Promise<string[]> {
  const result = await store.queryMessage({ topic, key, maxNum, beginTimestamp: begin, endTimestamp: end });
  return result.records.map((record) => {
    const decoded = decodeRecord(record, 0);
    return decoded.kind === 'MESSAGE' ? decoded.message.body.toString() : '?';
  });
}

/** Entries in the index files, from their headers (indexCount - 1 each). */
async function indexEntries(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await readFile(join(dir, name))).readInt32BE(36) - 1;
  return total;
}

/** 60 messages one second apart: KEYS "k<i> g<i % 3>", UNIQ_KEY "U<i>". */
async function putSixty(store: MessageStore, clock: ManualClock, topic = 'IndexTopic'): Promise<void> {
  for (let index = 0; index < 60; index++) {
    const result = await store.putMessage(keyed(topic, `m${index}`, [`k${index}`, `g${index % 3}`], `U${index}`));
    assert.equal(result.status, 'PUT_OK');
    clock.advance(1000);
  }
}

test('index - finds messages by key and by unique key, with time ranges and maxNum, across index files', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(T0);
    const { store } = await startStore(indexConfig(root), { clock });
    await putSixty(store, clock);
    await store.putMessage(keyed('OtherTopic', 'other', ['k5']));
    await indexed(store);
    assert.ok(((store as DefaultMessageStore).indexProgress?.files ?? 0) >= 3, 'three keys per message fill several 40-entry files');
    assert.deepEqual(await bodies(store, 'IndexTopic', 'k5'), ['m5']);
    assert.deepEqual(await bodies(store, 'IndexTopic', 'U7'), ['m7'], 'UNIQ_KEY is indexed too');
    assert.deepEqual(await bodies(store, 'OtherTopic', 'k5'), ['other'], 'keys are per topic');
    assert.deepEqual(await bodies(store, 'IndexTopic', 'nope'), []);
    assert.deepEqual(await bodies(store, 'IndexTopic', 'g1', 4), ['m49', 'm52', 'm55', 'm58'], 'the newest maxNum, in CommitLog order');
    assert.deepEqual(await bodies(store, 'IndexTopic', 'g2', 64, T0 + 10_000, T0 + 20_000), ['m11', 'm14', 'm17', 'm20']);
    assert.deepEqual(await bodies(store, 'IndexTopic', 'k30', 64, T0 + 31_000, FOREVER), [], 'stored before the range');
    const capped = await store.queryMessage({ topic: 'IndexTopic', key: 'g0', maxNum: 1000, beginTimestamp: 0, endTimestamp: FOREVER });
    assert.equal(capped.records.length, 16, 'maxNum is capped at maxMsgsNumBatch');
    assert.equal(decodeRecord(capped.records[0] as Buffer, 0).kind === 'MESSAGE', true);
    assert.ok(capped.indexLastUpdateTimestamp >= T0 + 59_000);
    assert.ok(capped.indexLastUpdatePhyoffset > 0);
    const names = await readdir(join(root, 'index'));
    assert.ok(names.every((name) => /^\d{17}$/.test(name)), names.join());
    await store.shutdown();
  });
});

test('index - a clean restart keeps the index; nothing is indexed twice', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(T0);
    const config = indexConfig(root);
    const first = await startStore(config, { clock });
    await putSixty(first.store, clock);
    await indexed(first.store);
    const files = (first.store as DefaultMessageStore).indexProgress?.files;
    await first.store.shutdown();
    const second = await startStore(config, { clock });
    await indexed(second.store);
    assert.equal((second.store as DefaultMessageStore).indexProgress?.files, files);
    assert.deepEqual(await bodies(second.store, 'IndexTopic', 'k42'), ['m42']);
    assert.equal((await bodies(second.store, 'IndexTopic', 'g1', 16, T0 + 30_000)).length, 10);
    await second.store.putMessage(keyed('IndexTopic', 'after', ['k42']));
    await indexed(second.store);
    assert.deepEqual(await bodies(second.store, 'IndexTopic', 'k42'), ['m42', 'after']);
    await second.store.shutdown();
  });
});

test('index - after a crash the entries past the last index flush are rebuilt from the CommitLog', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(T0);
    // No scheduled index flush during the test: only what a file roll flushed survives the crash.
    const config = indexConfig(root, { flushIntervalIndex: 3_600_000 });
    const first = await startStore(config, { clock });
    await putSixty(first.store, clock);
    await indexed(first.store);
    first.fs.crash();
    const second = await startStore(config, { clock, fs: new InstrumentedFileSystem() });
    await indexed(second.store);
    for (let index = 0; index < 60; index++) assert.deepEqual(await bodies(second.store, 'IndexTopic', `k${index}`), [`m${index}`], `k${index}`);
    assert.deepEqual(await bodies(second.store, 'IndexTopic', 'U59'), ['m59']);
    await second.store.shutdown();
    assert.equal(await indexEntries(join(root, 'index')), 180, 'three entries per message, none lost or doubled');
  });
});

test('index - rolled-back transaction messages and keyless messages add no entry', async () => {
  await withTempDir(async (root) => {
    const { store } = await startStore(indexConfig(root));
    await store.putMessage(keyed('IndexTopic', 'rolled back', ['tx'], 'U1', MessageSysFlag.TRANSACTION_ROLLBACK_TYPE));
    await store.putMessage(keyed('IndexTopic', 'prepared', ['tx'], 'U2', MessageSysFlag.TRANSACTION_PREPARED_TYPE));
    await store.putMessage(putRequest('IndexTopic', 0, 'no keys'));
    await indexed(store);
    assert.deepEqual(await bodies(store, 'IndexTopic', 'tx'), ['prepared'], 'Java indexes prepared messages and skips rolled-back ones');
    await store.shutdown();
  });
});

test('index - messageIndexEnable=false keeps no index files and finds nothing', async () => {
  await withTempDir(async (root) => {
    const { store } = await startStore(indexConfig(root, { messageIndexEnable: false }));
    await store.putMessage(keyed('IndexTopic', 'm', ['k']));
    assert.deepEqual(await bodies(store, 'IndexTopic', 'k'), []);
    await store.shutdown();
    assert.deepEqual(await readdir(root).then((names) => names.includes('index')), false);
  });
});

test('index-service - a queue overflow is caught up from the CommitLog instead of holding puts', async () => {
  await withTempDir(async (root) => {
    const pool = new FilePool(nodeFileSystem, 8, () => undefined);
    const count = INDEX_QUEUE_MESSAGES_MAX + 100;
    const messages: IndexableMessage[] = Array.from({ length: count }, (_, index) => ({
      topic: 'Overflow',
      commitLogOffset: index * 100,
      size: 100,
      storeTimestamp: T0 + index,
      properties: `KEYS\u0001key-${index}\u0002`,
    }));
    let dispatchedEnd = 0;
    let scanned = 0;
    const service = new IndexService({
      pool,
      dir: join(root, 'index'),
      geometry: { hashSlotNum: 4096, indexNum: 200_000 },
      maxMsgsNumBatch: 64,
      flushIntervalMs: 3_600_000,
      clock: new ManualClock(T0),
      logger: testLogger(),
      async scanCommitLog(from, until, onRecord) {
        let end = from;
        for (const message of messages.slice(Math.ceil(from / 100), Math.ceil(until / 100))) {
          scanned += 1;
          await onRecord(message);
          end = message.commitLogOffset + message.size;
        }
        return end;
      },
      syncCommitLog: () => Promise.resolve(),
      dispatched: () => ({ offset: dispatchedEnd, storeTimestamp: T0 }),
      commitLogMinOffset: () => 0,
    });
    await service.load(0, undefined);
    service.start();
    await waitFor(() => service.indexedOffset === 0);
    await new Promise((resolve) => setImmediate(resolve));
    // Every message is dispatched in one go, as a burst of groups the worker cannot keep up with.
    dispatchedEnd = count * 100;
    for (let from = 0; from < count; from += 1000) service.dispatch(messages.slice(from, from + 1000));
    await waitFor(() => service.indexedOffset === count * 100);
    assert.ok(scanned > 0, 'the worker read the CommitLog after the queue overflowed');
    for (const index of [0, 31_337, count - 1]) {
      const found = await service.queryOffset('Overflow', `key-${index}`, 4, 0, FOREVER);
      assert.deepEqual(found.phyOffsets, [index * 100], `key-${index}`);
    }
    await service.shutdown();
    assert.equal(service.safeMark.offset, count * 100, 'shutdown flushes what was indexed');
    await pool.closeAll();
  });
});

test('index - index files pointing past a CommitLog that lost its tail are dropped and rebuilt', async () => {
  await withTempDir(async (root) => {
    const clock = new ManualClock(T0);
    const config = indexConfig(root);
    const first = await startStore(config, { clock });
    await putSixty(first.store, clock);
    await indexed(first.store);
    await first.store.shutdown();
    // The last segment vanishes (a disk that lost it): the CommitLog now ends earlier.
    const segments = (await readdir(join(root, 'commitlog'))).sort();
    assert.ok(segments.length >= 2, segments.join());
    await rm(join(root, 'commitlog', segments.at(-1) ?? ''));
    const second = await startStore(config, { clock });
    const end = second.store.maxPhyOffset;
    await indexed(second.store);
    const survived: number[] = [];
    for (let index = 0; index < 60; index++) {
      const found = await bodies(second.store, 'IndexTopic', `k${index}`);
      if (found.length > 0) survived.push(index);
      assert.ok(found.length === 0 || (found.length === 1 && found[0] === `m${index}`), `k${index}: ${found.join()}`);
    }
    assert.ok(survived.length > 20 && survived.length < 60, `${survived.length} survived`);
    const lost = 59;
    await second.store.putMessage(keyed('IndexTopic', 'rewritten', [`k${lost}`]));
    await indexed(second.store);
    assert.ok(second.store.maxPhyOffset > end);
    assert.deepEqual(await bodies(second.store, 'IndexTopic', `k${lost}`), ['rewritten'], 'a message at a reused offset is indexed, and only it');
    await second.store.shutdown();
  });
});
