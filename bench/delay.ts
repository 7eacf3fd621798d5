/**
 * bench/delay.ts: `npm run bench:delay`: delay-level precision (issue 5: delivered within 100 ms of
 * its due time under normal load), in-process against the MessageStore API and the broker's
 * ScheduleMessageService (no network). Not part of CI; results go to docs/benchmarks.md by hand.
 *
 * For DURATION_S seconds, RATE messages per second (128-byte bodies) are put as the send path
 * stores them (routeDelayed, then putMessage), each at a level drawn from LEVELS; the due time is
 * the routing time plus the level's delay, carried in the body. Every delivered record is read
 * back from its real topic; lateness = its store time minus its due time. p50, p99, p99.9, max,
 * how many were early, and the event loop's delay over the same time.
 *
 *   npm run bench:delay -- [--rate 1000] [--duration 30] [--dir /path/on/the/disk/to/test]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DelayLevelTable } from '../src/broker/schedule/delay-levels.js';
import { ScheduleMessageService } from '../src/broker/schedule/schedule-message-service.js';
import { routeDelayed } from '../src/broker/schedule/schedule-route.js';
import { decodeRecord, encodeSocketAddress, tagsCode } from '../src/message/index.js';
import { createLogger } from '../src/log/index.js';
import { createMessageStore, storeConfigWith, type MessageStore, type PutMessageRequest } from '../src/store/index.js';
import { systemClock } from '../src/time/index.js';

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at > 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} wants a positive number`);
  return value;
}

const RATE = argument('rate', 1000);
const DURATION_S = argument('duration', 30);
const dirAt = process.argv.indexOf('--dir');
const BASE_DIR = dirAt > 0 ? (process.argv[dirAt + 1] ?? tmpdir()) : tmpdir();
/** RocketMQ's default table; the bench uses levels 1 to 4 (1 s, 5 s, 10 s, 30 s). */
const LEVELS = new DelayLevelTable('1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h');
const USED_LEVELS = [1, 2, 3, 4];
const TOPIC = 'BenchDelay';
const BORN_HOST = encodeSocketAddress('10.0.0.7', 50123);

function delayedMessage(index: number, now: number): PutMessageRequest {
  const level = USED_LEVELS[index % USED_LEVELS.length] ?? 1;
  const dueMs = now + (LEVELS.delayMs(level) ?? 0);
  const request: PutMessageRequest = {
    topic: TOPIC,
    queueId: 0,
    flag: 0,
    body: Buffer.from(String(dueMs).padEnd(128, ' ')),
    properties: `UNIQ_KEY\u0001BENCH${String(index).padStart(27, '0')}\u0002TAGS\u0001TagA\u0002DELAY\u0001${level}\u0002`,
    sysFlag: 0,
    bornTimestamp: now,
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode('TagA'),
  };
  return routeDelayed(LEVELS, request, now);
}

/** Puts RATE per second for DURATION_S seconds, in 10 ms ticks; returns how many. */
async function produce(store: MessageStore): Promise<number> {
  const total = Math.round(RATE * DURATION_S);
  const began = Date.now();
  let sent = 0;
  while (sent < total) {
    const owed = Math.min(total, Math.floor(((Date.now() - began) * RATE) / 1000)) - sent;
    const puts: Promise<unknown>[] = [];
    for (let index = 0; index < owed; index++) {
      const now = Date.now();
      puts.push(
        store.putMessage(delayedMessage(sent + index, now)).then((result) => {
          if (result.status !== 'PUT_OK') throw new Error(`put: ${result.status}`);
        }),
      );
    }
    sent += owed;
    await Promise.all(puts);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return sent;
}

async function collect(store: MessageStore, count: number): Promise<{ lateness: Int32Array; early: number }> {
  const lateness = new Int32Array(count);
  let offset = 0;
  let early = 0;
  while (offset < count) {
    const result = await store.getMessage({ topic: TOPIC, queueId: 0, offset, maxMsgNums: 32 });
    if (result.records.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    for (const bytes of result.records) {
      const decoded = decodeRecord(bytes, 0);
      if (decoded.kind !== 'MESSAGE') throw new Error(`record at ${offset}: ${decoded.kind}`);
      const late = decoded.message.storeTimestamp - Number(decoded.message.body.toString().trim());
      if (late < 0) early++;
      lateness[offset++] = late;
    }
  }
  return { lateness, early };
}

function percentile(sorted: Int32Array, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(BASE_DIR, 'bench-delay-'));
  const logger = createLogger({ level: 'warn' });
  const store = createMessageStore({ config: storeConfigWith({ storePathRootDir: dir }), storeHost: encodeSocketAddress('127.0.0.1', 10911), clock: systemClock, logger });
  await store.start();
  const service = new ScheduleMessageService({ store, levels: LEVELS, path: join(dir, 'config', 'delayOffset.json'), clock: systemClock, logger });
  store.onMessageArrived(service.onMessageArrived);
  await service.load();
  service.start();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    console.log(`node ${process.version}, ${cpus()[0]?.model ?? '?'} × ${cpus().length}; ${RATE}/s for ${DURATION_S} s at levels ${USED_LEVELS.join(', ')}; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
    const [sent, collected] = await Promise.all([produce(store), collect(store, Math.round(RATE * DURATION_S))]);
    loopDelay.disable();
    const sorted = collected.lateness.slice().sort();
    console.log(`delivered ${sent}; lateness ms p50 ${percentile(sorted, 0.5)} p99 ${percentile(sorted, 0.99)} p99.9 ${percentile(sorted, 0.999)} max ${sorted.at(-1) ?? Number.NaN}; early ${collected.early}`);
    const ms = (ns: number): number => Math.round(ns / 1e6);
    console.log(`event loop delay ms: p50 ${ms(loopDelay.percentile(50))} p99 ${ms(loopDelay.percentile(99))} max ${ms(loopDelay.max)}; load average after ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    await service.shutdown();
    await store.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
