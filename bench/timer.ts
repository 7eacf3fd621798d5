/**
 * bench/timer.ts: `npm run bench:timer`: timer message precision and memory, in-process against
 * the MessageStore API and the broker's TimerMessageService (no network: the send path's share is
 * the client benchmark's business). Not part of CI; results go to docs/benchmarks.md by hand.
 *
 * 1. Schedule: MESSAGES timer messages (128-byte bodies) are put as the send path stores them
 *    (routeTimer, then putMessage, PUTS_IN_FLIGHT at a time), in a scrambled order of due times
 *    (i × a large prime mod MESSAGES), due RATE per second from LEAD_S after the start.
 * 2. Hold: once all are in the timer, memory (after a GC) against the same reading before the first
 *    put; also after the first tenth, to show it does not grow with what waits.
 * 3. Deliver: every delivered record is read back from its real topic; lateness = its store time
 *    minus its exact due time (TIMER_OUT_MS). p50, p99, p99.9, max, and how many were early; the
 *    event loop's delay over the same time (what other load on the machine costs shows there).
 *
 *   npm run bench:timer -- [--messages 1000000] [--rate 10000] [--lead 120] [--fine-slots 36000]
 *                          [--precision 100] [--in-order] [--dir /path/on/the/disk/to/test]
 * --fine-slots 600 (a 60 s fine wheel) sends every message through the coarse wheel first;
 * --in-order schedules in due order (a fixed delay) instead of scrambled.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TimerMessageService } from '../src/broker/timer/timer-message-service.js';
import { routeTimer } from '../src/broker/timer/timer-route.js';
import { decodeRecord, encodeSocketAddress, findProperty, tagsCode } from '../src/message/index.js';
import { createLogger } from '../src/log/index.js';
import { createMessageStore, storeConfigWith, type MessageStore, type PutMessageRequest } from '../src/store/index.js';
import { systemClock } from '../src/time/index.js';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} wants a positive number`);
  return value;
}

const MESSAGES = argument('messages', 1_000_000);
const RATE = argument('rate', 10_000);
const LEAD_S = argument('lead', 120);
const FINE_SLOTS = argument('fine-slots', 36_000);
const PRECISION_MS = argument('precision', 100);
const dirAt = process.argv.indexOf('--dir');
const BASE_DIR = dirAt > 0 ? (process.argv[dirAt + 1] ?? tmpdir()) : tmpdir();
const PUTS_IN_FLIGHT = 256;
/** Coprime with any MESSAGES that is not a multiple of it: scrambles the due order of the puts. */
const SCRAMBLE = process.argv.includes('--in-order') ? 1 : 1_000_003;
const TOPIC = 'BenchTimer';
const BODY = Buffer.alloc(128, 0x61);
const BORN_HOST = encodeSocketAddress('10.0.0.7', 50123);
const MiB = 1024 * 1024;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Memory {
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly externalMiB: number;
}

function memory(): Memory {
  gc();
  const usage = process.memoryUsage();
  const mib = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
  return { rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed), externalMiB: mib(usage.external) };
}

function timerMessage(index: number, startMs: number, uniqKey: string): PutMessageRequest {
  const slot = (index * SCRAMBLE) % MESSAGES;
  const dueMs = startMs + LEAD_S * 1000 + Math.floor((slot * 1000) / RATE);
  const properties = `UNIQ_KEY\u0001${uniqKey}\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002TIMER_DELIVER_MS\u0001${dueMs}\u0002`;
  const request: PutMessageRequest = {
    topic: TOPIC,
    queueId: 0,
    flag: 0,
    body: BODY,
    properties,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode('TagA'),
  };
  return routeTimer({ timerWheelEnable: true, timerMaxDelaySec: 86_400 }, request, Date.now());
}

async function schedule(store: MessageStore, startMs: number, onTenth: () => void): Promise<number> {
  let next = 0;
  const began = Date.now();
  const worker = async (): Promise<void> => {
    while (next < MESSAGES) {
      const index = next++;
      if (index === Math.floor(MESSAGES / 10)) onTenth();
      const result = await store.putMessage(timerMessage(index, startMs, `BENCH${String(index).padStart(27, '0')}`));
      if (result.status !== 'PUT_OK') throw new Error(`put ${index}: ${result.status}`);
    }
  };
  await Promise.all(Array.from({ length: PUTS_IN_FLIGHT }, worker));
  return Date.now() - began;
}

/** Reads the real topic as it fills; returns lateness per message (ms), in delivery order. */
async function collect(store: MessageStore, lateness: Int32Array): Promise<{ early: number; lastStoreMs: number }> {
  let offset = 0;
  let early = 0;
  let lastStoreMs = 0;
  while (offset < MESSAGES) {
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset, maxMsgNums: 32 });
    if (result.records.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    for (const bytes of result.records) {
      const decoded = decodeRecord(bytes, 0);
      if (decoded.kind !== 'MESSAGE') throw new Error(`record at ${offset}: ${decoded.kind}`);
      const late = decoded.message.storeTimestamp - Number(findProperty(decoded.message.properties, 'TIMER_OUT_MS'));
      if (late < 0) early++;
      lateness[offset++] = late;
      lastStoreMs = decoded.message.storeTimestamp;
    }
  }
  return { early, lastStoreMs };
}

function percentile(sorted: Int32Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(BASE_DIR, 'bench-timer-'));
  const logger = createLogger({ level: 'warn' });
  const lateness = new Int32Array(MESSAGES);
  const store = createMessageStore({
    config: storeConfigWith({ storePathRootDir: dir, mappedFileSizeCommitLog: 1024 * MiB }),
    storeHost: encodeSocketAddress('127.0.0.1', 10911),
    clock: systemClock,
    logger,
  });
  await store.start();
  const timer = new TimerMessageService({
    store,
    rootDir: dir,
    precisionMs: PRECISION_MS,
    fineSlots: FINE_SLOTS,
    flushIntervalMs: 1000,
    segmentBytes: 100 * MiB,
    fileReservedTimeHours: 72,
    clock: systemClock,
    logger,
  });
  await timer.load();
  store.onMessageArrived(timer.onMessageArrived);
  timer.start();
  try {
    const before = memory();
    let afterTenth: Memory | undefined;
    const startMs = Date.now();
    const order = SCRAMBLE === 1 ? 'in due order' : 'scrambled';
    console.log(`node ${process.version}, ${cpus()[0]?.model ?? '?'} × ${cpus().length}; ${MESSAGES} messages (${order}), ${RATE}/s due from +${LEAD_S} s; fine wheel ${FINE_SLOTS} × ${PRECISION_MS} ms; store in ${dir}`);
    const tookMs = await schedule(store, startMs, () => (afterTenth = memory()));
    while (timer.progress().queueOffset < MESSAGES) await new Promise((resolve) => setTimeout(resolve, 50));
    const enqueuedMs = Date.now() - startMs;
    const holding = memory();
    console.log(`scheduled in ${(tookMs / 1000).toFixed(1)} s (${Math.round(MESSAGES / (tookMs / 1000))}/s), all in the timer after ${(enqueuedMs / 1000).toFixed(1)} s; timer log ${(timer.progress().logEnd / MiB).toFixed(0)} MiB`);
    console.log('memory before the first put:', before);
    console.log('memory after 1/10 scheduled:', afterTenth);
    console.log('memory holding all         :', holding);
    if (enqueuedMs > LEAD_S * 1000) console.log('WARNING: scheduling took longer than the lead; the first messages were already due');
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const { early, lastStoreMs } = await collect(store, lateness);
    loopDelay.disable();
    const sorted = lateness.slice().sort();
    const firstDueMs = startMs + LEAD_S * 1000;
    console.log(
      `delivered ${MESSAGES} over ${((lastStoreMs - firstDueMs) / 1000).toFixed(1)} s; lateness ms p50 ${percentile(sorted, 0.5)} p99 ${percentile(sorted, 0.99)} ` +
        `p99.9 ${percentile(sorted, 0.999)} max ${sorted[sorted.length - 1]}; early ${early}`,
    );
    const tenth = Math.ceil(MESSAGES / 10);
    const parts: string[] = [];
    for (let from = 0; from < MESSAGES; from += tenth) {
      const part = lateness.slice(from, from + tenth).sort();
      parts.push(`${percentile(part, 0.5)}/${percentile(part, 0.99)}`);
    }
    console.log(`p50/p99 by tenth of the run: ${parts.join(' ')}`);
    const ms = (nanoseconds: number): string => (nanoseconds / 1e6).toFixed(0);
    console.log(`event loop delay ms while delivering: p50 ${ms(loopDelay.percentile(50))} p99 ${ms(loopDelay.percentile(99))} max ${ms(loopDelay.max)}`);
    console.log('memory after delivery      :', memory());
  } finally {
    await timer.shutdown();
    await store.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
