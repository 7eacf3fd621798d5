import assert from 'node:assert/strict';
import { appendFile, cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeProperties, decodeRecord, encodeProperties, tagsCode, type MessageRecord } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { createMessageStore, storeConfigWith, type MessageStore, type PutMessageRequest } from '../../store/index.js';
import { systemClock } from '../../time/index.js';
import { deleteKey, TIMER_TOPIC } from './timer-const.js';
import { TimerMessageService, type TimerMessageServiceOptions } from './timer-message-service.js';
import { routeTimer } from './timer-route.js';

const BORN_HOST = Buffer.from([127, 0, 0, 1, 0, 0, 0x30, 0x39]);
/** 10 ms slots, 64 of them: the fine wheel spans 640 ms, coarse slots are 20 ms. */
const SMALL: Partial<TimerMessageServiceOptions> = { precisionMs: 10, fineSlots: 64, flushIntervalMs: 50 };

interface Fixture {
  readonly dir: string;
  readonly store: MessageStore;
  readonly timer: TimerMessageService;
  close(): Promise<void>;
}

async function open(dir: string, options: Partial<TimerMessageServiceOptions> = {}): Promise<Fixture> {
  const store = createMessageStore({
    config: storeConfigWith({ storePathRootDir: dir, mappedFileSizeCommitLog: 8 * 1024 * 1024, commitLogWriteBufferBytes: 4 * 1024 * 1024, maxMessageSize: 64 * 1024 }),
    storeHost: Buffer.from([127, 0, 0, 1, 0, 0, 0x2a, 0x9f]),
    clock: systemClock,
    logger: testLogger(),
  });
  await store.start();
  const timer = new TimerMessageService({
    store,
    rootDir: dir,
    precisionMs: 100,
    fineSlots: 36_000,
    flushIntervalMs: 1000,
    segmentBytes: 1024 * 1024,
    fileReservedTimeHours: 72,
    clock: systemClock,
    logger: testLogger(),
    ...options,
  });
  await timer.load();
  store.onMessageArrived(timer.onMessageArrived);
  timer.start();
  let closed = false;
  return {
    dir,
    store,
    timer,
    async close() {
      if (closed) return;
      closed = true;
      await timer.shutdown();
      await store.shutdown();
    },
  };
}

/** A timer message as the send path stores it. */
function timerPut(body: string, properties: Record<string, string>): PutMessageRequest {
  const request: PutMessageRequest = {
    topic: 'Real',
    queueId: 0,
    flag: 0,
    body: Buffer.from(body),
    properties: encodeProperties(new Map(Object.entries({ TAGS: 'TagA', UNIQ_KEY: `U-${body}`, ...properties }))),
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode('TagA'),
  };
  return routeTimer({ timerWheelEnable: true, timerMaxDelaySec: 86_400 }, request, Date.now());
}

/** A recall marker as RECALL_MESSAGE stores it, for the message `body` due at `dueMs`. */
function marker(body: string, dueMs: number): PutMessageRequest {
  const properties = {
    TAGS: '_RECALL_TAG_',
    TIMER_DEL_UNIQKEY: deleteKey('Real', `U-${body}`),
    UNIQ_KEY: `U-${body}`,
    TIMER_OUT_MS: String(dueMs),
    REAL_TOPIC: 'Real',
    REAL_QID: '0',
  };
  return { ...timerPut('0', {}), topic: TIMER_TOPIC, properties: encodeProperties(new Map(Object.entries(properties))) };
}

async function put(store: MessageStore, request: PutMessageRequest): Promise<void> {
  const result = await store.putMessage(request);
  assert.equal(result.status, 'PUT_OK');
}

async function delivered(store: MessageStore, count: number, what: string): Promise<MessageRecord[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await store.getMessage({ topic: 'Real', queueId: 0, offset: 0, maxMsgNums: 32 });
    const records = result.records.map((bytes) => {
      const decoded = decodeRecord(bytes, 0);
      assert.equal(decoded.kind, 'MESSAGE');
      return (decoded as { message: MessageRecord }).message;
    });
    if (records.length >= count) return records;
    if (Date.now() > deadline) assert.fail(`${what}: ${records.length} of ${count} delivered`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function dueOf(record: MessageRecord): number {
  return Number(decodeProperties(record.properties).get('TIMER_OUT_MS'));
}

/**
 * Never before the due time; and, as a sanity bound, not long after the later of the due time and
 * `runningSinceMs`, when the timer started running: a message that came due while the broker was
 * down is late by the downtime, which only the machine's load decides.
 */
function assertNotEarly(records: readonly MessageRecord[], runningSinceMs = 0): void {
  for (const record of records) {
    const due = dueOf(record);
    assert.ok(record.storeTimestamp >= due, `${record.body.toString()} ${due - record.storeTimestamp} ms early`);
    const from = Math.max(due, runningSinceMs);
    assert.ok(record.storeTimestamp < from + 1000, `${record.body.toString()} ${record.storeTimestamp - from} ms late (due ${record.storeTimestamp - due} ms ago)`);
  }
}

async function waitUntil(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!probe()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('timer-service - messages due beyond the fine span wait in the coarse wheel, move to the fine one and go out in due order', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-service-'));
  let fixture = await open(dir, SMALL);
  try {
    const now = Date.now();
    for (const [body, inMs] of [['c1400', 1400], ['c900', 900], ['f300', 300], ['c1100', 1100], ['c2000', 2000]] as const) {
      await put(fixture.store, timerPut(body, { TIMER_DELIVER_MS: String(now + inMs) }));
    }
    await waitUntil(() => fixture.timer.progress().queueOffset === 5, 'all five in the timer');
    const records = await delivered(fixture.store, 5, 'all five');
    assert.deepEqual(records.map((record) => record.body.toString()), ['f300', 'c900', 'c1100', 'c1400', 'c2000']);
    assertNotEarly(records);
    // Which ones waited in the coarse wheel depends on how soon after the put the timer read them
    // (one due within the fine span goes fine), so the check is on the transfer cursor: it moved
    // past the coarse slot of the last one (slots of 20 ms; the fine span is 640 ms).
    const lastDue = dueOf(records[4] as MessageRecord);
    assert.ok(fixture.timer.progress().transferredSlot * 20 > lastDue - 640, 'the coarse slots were transferred');
    assert.equal(JSON.parse(fixture.timer.metricsBody()).timingCount.Real.count, 0, 'nothing waits any more');
    await fixture.close();
    fixture = await open(dir, SMALL);
    await put(fixture.store, timerPut('after', { TIMER_DELAY_MS: '700' }));
    const again = await delivered(fixture.store, 6, 'one more after a clean restart');
    assert.deepEqual(again.map((record) => record.body.toString()).slice(5), ['after'], 'nothing delivered twice across a clean restart');
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('timer-service - a recall marker in the message\'s slot keeps it from being delivered, in the fine and the coarse wheel', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-service-'));
  const fixture = await open(dir, SMALL);
  try {
    const now = Date.now();
    await put(fixture.store, timerPut('fine-recalled', { TIMER_DELIVER_MS: String(now + 500) }));
    await put(fixture.store, timerPut('coarse-recalled', { TIMER_DELIVER_MS: String(now + 1200) }));
    await put(fixture.store, marker('coarse-recalled', now + 1200));
    await put(fixture.store, marker('fine-recalled', now + 500));
    await put(fixture.store, timerPut('kept', { TIMER_DELIVER_MS: String(now + 1300) }));
    const records = await delivered(fixture.store, 1, 'the one not recalled');
    assert.deepEqual(records.map((record) => record.body.toString()), ['kept']);
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('timer-service - a copy that would not outlive its wait in the CommitLog is stored again, and still goes out once, on time', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-service-'));
  // fileReservedTime 0: a copy is stored again after 2 × (640 + 20) ms.
  const fixture = await open(dir, { ...SMALL, fileReservedTimeHours: 0 });
  try {
    await put(fixture.store, timerPut('rolled', { TIMER_DELAY_MS: '3000' }));
    const [record] = await delivered(fixture.store, 1, 'the rolled message');
    assert.ok(record);
    assertNotEarly([record]);
    assert.ok(Number(decodeProperties(record.properties).get('TIMER_ROLL_TIMES')) >= 1, 'stored again at least once');
    assert.ok(fixture.store.getMaxOffsetInQueue(TIMER_TOPIC, 0) >= 2, 'the copies went through the timer queue');
    await waitUntil(() => fixture.timer.progress().deliveredSlot * 10 > dueOf(record), 'the timer past the due time');
    assert.equal((await delivered(fixture.store, 1, 'still one')).length, 1);
  } finally {
    await fixture.close();
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * A crash image of a running broker: timer files first (the checkpoint before the log it points
 * into), then the store, as a machine would have them after losing power in a quiet moment.
 */
async function crashImage(from: string, to: string): Promise<void> {
  await cp(join(from, 'timer', 'checkpoint'), join(to, 'timer', 'checkpoint'));
  await cp(join(from, 'timer', 'wheel'), join(to, 'timer', 'wheel'));
  await cp(join(from, 'timer', 'log'), join(to, 'timer', 'log'), { recursive: true });
  for (const name of await readdir(from)) {
    if (name !== 'timer') await cp(join(from, name), join(to, name), { recursive: true });
  }
}

test('timer-service - after a crash with a torn timer log (and without the wheel snapshot) nothing scheduled is lost', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'timer-service-'));
  const images = [await mkdtemp(join(tmpdir(), 'timer-crash-')), await mkdtemp(join(tmpdir(), 'timer-crash-'))];
  const fixture = await open(dir, SMALL);
  try {
    const now = Date.now();
    await put(fixture.store, timerPut('early', { TIMER_DELIVER_MS: String(now + 200) }));
    for (let index = 0; index < 20; index++) await put(fixture.store, timerPut(`late${index}`, { TIMER_DELIVER_MS: String(now + 1500 + index * 10) }));
    await delivered(fixture.store, 1, 'the early one');
    await waitUntil(() => fixture.timer.progress().queueOffset === 21, 'all in the timer');
    await new Promise((resolve) => setTimeout(resolve, 120)); // past a checkpoint, so the image has one
    for (const image of images) await crashImage(dir, image);
    await fixture.close();
    const segments = await readdir(join(images[0] as string, 'timer', 'log'));
    await appendFile(join(images[0] as string, 'timer', 'log', segments.at(-1) as string), Buffer.alloc(30, 0xab));
    await rm(join(images[1] as string, 'timer', 'wheel'));
    for (const image of images) {
      const recovered = await open(image, SMALL);
      // The second image opens after the first delivered everything: its messages are overdue.
      const runningSinceMs = Date.now();
      try {
        const records = await delivered(recovered.store, 21, 'everything scheduled');
        const bodies = new Set(records.map((record) => record.body.toString()));
        assert.equal(bodies.size, 21, 'at least once each');
        assertNotEarly(records.filter((record) => record.body.toString() !== 'early'), runningSinceMs);
      } finally {
        await recovered.close();
      }
    }
  } finally {
    await fixture.close();
    for (const path of [dir, ...images]) await rm(path, { recursive: true, force: true });
  }
});
