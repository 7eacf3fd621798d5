import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeRecord, encodeProperties, tagsCode, type MessageRecord } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { createMessageStore, storeConfigWith, type MessageStore, type PutMessageRequest } from '../../store/index.js';
import { systemClock } from '../../time/index.js';
import { DelayLevelTable } from './delay-levels.js';
import { ScheduleMessageService } from './schedule-message-service.js';
import { routeDelayed } from './schedule-route.js';

const BORN_HOST = Buffer.from([127, 0, 0, 1, 0, 0, 0x30, 0x39]);
const levels = new DelayLevelTable('1s 2s');

interface Fixture {
  readonly dir: string;
  readonly store: MessageStore;
  readonly service: ScheduleMessageService;
  close(): Promise<void>;
}

async function open(dir: string): Promise<Fixture> {
  const store = createMessageStore({
    config: storeConfigWith({ storePathRootDir: dir, mappedFileSizeCommitLog: 8 * 1024 * 1024, commitLogWriteBufferBytes: 4 * 1024 * 1024, maxMessageSize: 64 * 1024 }),
    storeHost: Buffer.from([127, 0, 0, 1, 0, 0, 0x2a, 0x9f]),
    clock: systemClock,
    logger: testLogger(),
  });
  await store.start();
  const service = new ScheduleMessageService({ store, levels, path: join(dir, 'config', 'delayOffset.json'), clock: systemClock, logger: testLogger() });
  store.onMessageArrived(service.onMessageArrived);
  await service.load();
  return {
    dir,
    store,
    service,
    async close() {
      await service.shutdown();
      await store.shutdown();
    },
  };
}

function message(properties: Record<string, string>, body = 'b'): PutMessageRequest {
  return {
    topic: 'Real',
    queueId: 0,
    flag: 0,
    body: Buffer.from(body),
    properties: encodeProperties(new Map(Object.entries(properties))),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(properties['TAGS']),
  };
}

async function delivered(store: MessageStore): Promise<MessageRecord[]> {
  const result = await store.getMessage({ topic: 'Real', queueId: 0, offset: 0, maxMsgNums: 32 });
  return result.records.map((bytes) => {
    const decoded = decodeRecord(bytes, 0);
    assert.equal(decoded.kind, 'MESSAGE');
    return (decoded as { message: MessageRecord }).message;
  });
}

async function until(probe: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('schedule-message-service - a message that cannot be delivered is skipped, so the level does not jam', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rocketmq-ts-schedule-'));
  const fixture = await open(dir);
  try {
    fixture.service.start();
    // Due at once (now - 1 s + the 1 s delay), but it names no real topic.
    const past = Date.now() - 1000;
    const broken = routeDelayed(levels, message({ DELAY: '1' }, 'broken'), past);
    assert.equal((await fixture.store.putMessage({ ...broken, properties: encodeProperties(new Map([['DELAY', '1']])) })).status, 'PUT_OK');
    assert.equal((await fixture.store.putMessage(routeDelayed(levels, message({ DELAY: '1', TAGS: 'T' }, 'good'), past))).status, 'PUT_OK');
    await until(async () => (await delivered(fixture.store)).length === 1, 'the good message');
    const [good] = await delivered(fixture.store);
    assert.equal(good?.body.toString(), 'good');
    await until(async () => fixture.service.offsets().get(1) === 2, 'level 1 past both');
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('schedule-message-service - offsets load from Java\'s file, are clamped into the queue, and are written back on shutdown', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rocketmq-ts-schedule-'));
  try {
    let fixture = await open(dir);
    const future = Date.now() + 60_000;
    for (let index = 0; index < 3; index++) {
      assert.equal((await fixture.store.putMessage(routeDelayed(levels, message({ DELAY: '2' }), future))).status, 'PUT_OK');
    }
    await fixture.close();
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(join(dir, 'config', 'delayOffset.json'), '{"offsetTable":{1:7,2:9,5:4}}');
    fixture = await open(dir);
    fixture.service.start();
    assert.deepEqual(fixture.service.offsets(), new Map([[1, 0], [2, 3], [5, 4]]), 'level 1 has no queue (0), level 2 has 3 entries, level 5 is kept as it was');
    assert.equal((await delivered(fixture.store)).length, 0, 'nothing was due');
    await fixture.close();
    const written = await readFile(join(dir, 'config', 'delayOffset.json'), 'utf8');
    assert.match(written, /"offsetTable":\{1:0,2:3,5:4\}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
