/**
 * bench/store.ts: `npm run bench:store`: the store's own numbers, in-process against the
 * MessageStore API (no network), next to the machine's limits measured in the same run. Not part
 * of CI; results go to docs/benchmarks.md by hand.
 *
 * 1. Machine limits: sequential writes with and without an fdatasync per batch, and a 1 KiB
 *    append + fdatasync loop.
 * 2. Append throughput, 1 KiB bodies, ASYNC_FLUSH and SYNC_FLUSH, with 1, 16, 256 and 1,000
 *    producers each waiting for its put (time-boxed; the first WARMUP_MS are not counted).
 * 3. Recovery after a crash: a tail written with no checkpoint progress, the store "killed" (its
 *    file system fails every later call), then the time of the next start, per GiB of tail.
 * 4. Reads: every queue read back with getMessage, hot (page cache) and cold (after dropping the
 *    page cache, when /proc/sys/vm/drop_caches is writable; root only).
 * 5. Backlog: memory (after a GC) and open descriptors with an empty store, a tenth of
 *    BACKLOG_BYTES and all of it; then pulls of 32 messages at recent offsets (just written, hot)
 *    and at the oldest offsets (after dropping the page cache when allowed), time per pull.
 * Every figure is the median of RUNS runs, printed with the runs as markdown tables.
 *
 *   npm run bench:store -- [--dir /path/on/the/disk/to/test] [--quick] [--backlog-only | --append-only] [--keep-caches]
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { crc32 } from 'node:zlib';
import { encodeSocketAddress, tagsCode } from '../src/message/index.js';
import { testLogger } from '../src/log/index.js';
import { createMessageStore, storeConfigWith, type MessageStore, type PutMessageRequest, type StoreConfig } from '../src/store/index.js';
import { InstrumentedFileSystem } from '../src/store/testing/fixture.js';
import { systemClock } from '../src/time/index.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const quick = process.argv.includes('--quick');
const dirArg = process.argv.indexOf('--dir');
const BASE_DIR = dirArg > 0 ? (process.argv[dirArg + 1] ?? tmpdir()) : tmpdir();
const RUNS = 3;
const WARMUP_MS = quick ? 300 : 1000;
const MEASURE_MS = quick ? 1000 : 3000;
const PRODUCERS = [1, 16, 256, 1000];
const QUEUES = 8;
const RECOVERY_TAIL_BYTES = quick ? 128 * MiB : 512 * MiB;
const READ_BYTES = quick ? 128 * MiB : 512 * MiB;
const BACKLOG_BYTES = quick ? 256 * MiB : 4 * GiB;
const BACKLOG_PULLS = quick ? 400 : 2000;
const STORE_HOST = encodeSocketAddress('127.0.0.1', 10911);
const BORN_HOST = encodeSocketAddress('10.0.0.7', 50123);
const BODY = Buffer.alloc(KiB, 0x61);
/** What a broker stores for a typical client message: UNIQ_KEY, WAIT, TAGS, CLUSTER. */
const PROPERTIES = 'UNIQ_KEY\u00017F0000010A8F2A139A7B6E1D2C3F0000\u0002WAIT\u0001true\u0002TAGS\u0001TagA\u0002CLUSTER\u0001DefaultCluster\u0002';

function request(queueId: number): PutMessageRequest {
  return {
    topic: 'BenchTopic',
    queueId,
    flag: 0,
    body: BODY,
    properties: PROPERTIES,
    sysFlag: 0,
    bornTimestamp: Date.now(),
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode('TagA'),
  };
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Flushes dirty pages so one run's writeback does not slow the next. */
function settle(): void {
  execFileSync('sync');
}

function dropCaches(): boolean {
  if (process.argv.includes('--keep-caches')) return false;
  try {
    settle();
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

async function withDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(BASE_DIR, 'rocketmq-ts-bench-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function machine(): string[] {
  const df = execFileSync('df', ['-hT', BASE_DIR]).toString().trim().split('\n').at(-1) ?? '';
  return [
    `- date: ${new Date().toISOString()}`,
    `- CPU: ${cpus().length} x ${cpus()[0]?.model ?? '?'}`,
    `- RAM: ${(totalmem() / GiB).toFixed(1)} GiB`,
    `- disk (df -hT ${BASE_DIR}): \`${df.replace(/\s+/g, ' ')}\``,
    `- kernel: ${release()}`,
    `- Node: ${process.version}`,
    `- load average at the start (1, 5, 15 min): ${loadavg().map((value) => value.toFixed(2)).join(', ')}`,
    `- CPU speed now (this shared VM's varies by up to 1.5x over an hour): zlib crc32 of 1 KiB takes ${cpuReferenceNs().toFixed(0)} ns`,
  ];
}

/** A fixed piece of CPU work, timed: the BODYCRC of a 1 KiB body, median of 5 x 200,000. */
function cpuReferenceNs(): number {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < 200_000; index++) crc32(BODY);
    times.push(Number(process.hrtime.bigint() - started) / 200_000);
  }
  return median(times);
}

/** Sequential writes of `chunk` bytes, `total` in all, with or without an fdatasync after each. */
async function sequentialWrite(chunk: number, total: number, sync: boolean): Promise<number> {
  return withDir(async (dir) => {
    const file = await open(join(dir, 'seq'), 'w');
    const bytes = Buffer.alloc(chunk, 0x62);
    const started = performance.now();
    for (let position = 0; position < total; position += chunk) {
      await file.write(bytes, 0, chunk, position);
      if (sync) await file.datasync();
    }
    const seconds = (performance.now() - started) / 1000;
    await file.close();
    return total / MiB / seconds;
  });
}

/** A 1 KiB append followed by an fdatasync, again and again, for MEASURE_MS. */
async function appendSyncLoop(): Promise<number> {
  return withDir(async (dir) => {
    const file = await open(join(dir, 'append'), 'w');
    const bytes = Buffer.alloc(KiB, 0x63);
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < MEASURE_MS) {
      await file.write(bytes, 0, KiB, count * KiB);
      await file.datasync();
      count += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    await file.close();
    return count / seconds;
  });
}

function benchConfig(root: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return storeConfigWith({ storePathRootDir: root, ...overrides });
}

function openStore(config: StoreConfig, fileSystem?: InstrumentedFileSystem): MessageStore {
  return createMessageStore({ config, storeHost: STORE_HOST, clock: systemClock, logger: testLogger(), ...(fileSystem === undefined ? {} : { fileSystem }) });
}

/** Puts per second with `producers` each waiting for its put, counted after WARMUP_MS. */
async function appendRate(flushDiskType: StoreConfig['flushDiskType'], producers: number, overrides: Partial<StoreConfig> = {}): Promise<number> {
  settle();
  return withDir(async (root) => {
    const store = openStore(benchConfig(root, { flushDiskType, ...overrides }));
    await store.start();
    let acked = 0;
    let refused = 0;
    let running = true;
    const producer = async (index: number): Promise<void> => {
      while (running) {
        const result = await store.putMessage(request(index % QUEUES));
        if (result.status === 'PUT_OK') acked += 1;
        else refused += 1;
      }
    };
    const all = Array.from({ length: producers }, (_, index) => producer(index));
    await sleep(WARMUP_MS);
    const from = acked;
    const started = performance.now();
    await sleep(MEASURE_MS);
    const rate = (acked - from) / ((performance.now() - started) / 1000);
    running = false;
    await Promise.all(all);
    await store.shutdown();
    if (refused > 0) console.error(`  (${flushDiskType}, ${producers} producers: ${refused} puts refused, e.g. OS_PAGE_CACHE_BUSY)`);
    return rate;
  });
}

/** Fills a store with about `bytes` of 1 KiB messages over QUEUES queues, 64 puts in flight. */
async function fill(store: MessageStore, bytes: number): Promise<number> {
  let count = 0;
  const worker = async (index: number): Promise<void> => {
    while (store.maxPhyOffset < bytes) {
      const result = await store.putMessages([request(index % QUEUES), request(index % QUEUES), request(index % QUEUES), request(index % QUEUES)]);
      if (result.status !== 'PUT_OK') throw new Error(`fill: ${result.status}`);
      count += 4;
    }
  };
  await Promise.all(Array.from({ length: 64 }, (_, index) => worker(index)));
  return count;
}

/** Start time after a crash with `RECOVERY_TAIL_BYTES` past the checkpoint; cold when the caches could be dropped. */
async function recoveryTime(cold: boolean): Promise<{ ms: number; tail: number; dropped: boolean }> {
  settle();
  return withDir(async (root) => {
    // No ConsumeQueue flush and so no checkpoint progress: the whole tail is past the safe offset.
    const config = benchConfig(root, { flushIntervalConsumeQueue: 3_600_000, flushConsumeQueueThoroughInterval: 3_600_000 });
    const fs = new InstrumentedFileSystem();
    const crashed = openStore(config, fs);
    await crashed.start();
    await fill(crashed, RECOVERY_TAIL_BYTES);
    const tail = crashed.maxPhyOffset;
    fs.crash();
    await crashed.shutdown().catch(() => undefined); // Stops its timers; its files are "gone with the process".
    const dropped = cold && dropCaches();
    const store = openStore(config);
    const started = performance.now();
    await store.start();
    const ms = performance.now() - started;
    if (store.maxPhyOffset !== tail) throw new Error(`recovered to ${store.maxPhyOffset}, expected ${tail}`);
    await store.shutdown();
    return { ms, tail, dropped };
  });
}

/** Reads every queue whole with getMessage (32 at a time); returns messages and MiB per second. */
async function readAll(store: MessageStore): Promise<{ messages: number; mib: number }> {
  let messages = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: QUEUES }, async (_, queueId) => {
      const max = store.getMaxOffsetInQueue('BenchTopic', queueId);
      for (let offset = 0; offset < max; ) {
        const result = await store.getMessage({ topic: 'BenchTopic', queueId, offset, maxMsgNums: 32 });
        if (result.status !== 'FOUND') throw new Error(`read ${queueId}@${offset}: ${result.status}`);
        messages += result.records.length;
        bytes += result.bytes;
        offset = result.nextBeginOffset;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { messages: messages / seconds, mib: bytes / MiB / seconds };
}

/** Hot: read right after writing. Cold: restart the store after dropping the page cache. */
async function readRates(): Promise<{ hot: { messages: number; mib: number }; cold: { messages: number; mib: number } | undefined }> {
  settle();
  return withDir(async (root) => {
    const config = benchConfig(root);
    const writer = openStore(config);
    await writer.start();
    await fill(writer, READ_BYTES);
    await writer.shutdown();
    const hotStore = openStore(config);
    await hotStore.start();
    await readAll(hotStore); // Warms the page cache with every CommitLog and ConsumeQueue byte.
    const hot = await readAll(hotStore);
    await hotStore.shutdown();
    if (!dropCaches()) return { hot, cold: undefined };
    const coldStore = openStore(config);
    await coldStore.start();
    const cold = await readAll(coldStore);
    await coldStore.shutdown();
    return { hot, cold };
  });
}

function row(name: string, values: readonly number[], unit: string): string {
  return `| ${name} | ${values.map(fmt).join(' | ')} | **${fmt(median(values))}** | ${unit} |`;
}

async function repeat(run: () => Promise<number>): Promise<number[]> {
  const values: number[] = [];
  for (let index = 0; index < RUNS; index++) values.push(await run());
  return values;
}

const HEADER = ['| what | run 1 | run 2 | run 3 | median | unit |', '|---|---|---|---|---|---|'];

async function machineLimits(): Promise<string[]> {
  const total = quick ? 256 * MiB : GiB;
  return [
    '### Machine limits',
    ...HEADER,
    row('sequential write, 1 MiB chunks, no fdatasync', await repeat(() => (settle(), sequentialWrite(MiB, total, false))), 'MiB/s'),
    row('sequential write, 1 MiB chunks, fdatasync each', await repeat(() => (settle(), sequentialWrite(MiB, total / 4, true))), 'MiB/s'),
    row('sequential write, 64 KiB chunks, fdatasync each', await repeat(() => (settle(), sequentialWrite(64 * KiB, total / 16, true))), 'MiB/s'),
    row('1 KiB append + fdatasync loop', await repeat(appendSyncLoop), 'ops/s'),
  ];
}

async function appendTable(): Promise<string[]> {
  const lines = ['### Append throughput (1 KiB bodies, msgs/s)', ...HEADER];
  for (const flushDiskType of ['ASYNC_FLUSH', 'SYNC_FLUSH'] as const) {
    for (const producers of PRODUCERS) {
      lines.push(row(`${flushDiskType}, ${producers} producers waiting`, await repeat(() => appendRate(flushDiskType, producers)), 'msgs/s'));
      console.error(`  ${lines.at(-1) ?? ''}`);
    }
    // What the IndexFile (UNIQ_KEY of every message) costs: the same without it.
    const withoutIndex = await repeat(() => appendRate(flushDiskType, 1000, { messageIndexEnable: false }));
    lines.push(row(`${flushDiskType}, 1000 producers, messageIndexEnable=false`, withoutIndex, 'msgs/s'));
    console.error(`  ${lines.at(-1) ?? ''}`);
  }
  return lines;
}

async function recoveryTable(): Promise<string[]> {
  const lines = ['### Recovery after a crash', ...HEADER];
  for (const cold of [false, true]) {
    const runs: { ms: number; tail: number; dropped: boolean }[] = [];
    for (let index = 0; index < RUNS; index++) runs.push(await recoveryTime(cold));
    const label = cold && runs.every((run) => run.dropped) ? 'cold (page cache dropped)' : 'hot (tail in the page cache)';
    const tailMiB = median(runs.map((run) => run.tail)) / MiB;
    lines.push(row(`start after a crash, ${tailMiB.toFixed(0)} MiB tail, ${label}`, runs.map((run) => run.ms), 'ms'));
    lines.push(row(`  the same, scaled to 1 GiB of tail`, runs.map((run) => (run.ms * GiB) / run.tail), 'ms per GiB'));
  }
  return lines;
}

async function readTable(): Promise<string[]> {
  const runs = [];
  for (let index = 0; index < RUNS; index++) runs.push(await readRates());
  const lines = [`### Reads (${READ_BYTES / MiB} MiB over ${QUEUES} queues, getMessage 32 at a time)`, ...HEADER];
  lines.push(row('hot', runs.map((run) => run.hot.messages), 'msgs/s'), row('hot', runs.map((run) => run.hot.mib), 'MiB/s'));
  const colds = runs.map((run) => run.cold).filter((cold) => cold !== undefined);
  if (colds.length === runs.length) {
    lines.push(row('cold', colds.map((cold) => cold.messages), 'msgs/s'), row('cold', colds.map((cold) => cold.mib), 'MiB/s'));
  } else {
    lines.push('| cold | not measured: /proc/sys/vm/drop_caches is not writable here | | | | |');
  }
  return lines;
}

/** Heap, off-heap and resident MiB after a GC, and the process's open descriptors. */
function footprint(): { heap: number; external: number; rss: number; fds: number } {
  gc();
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed / MiB, external: usage.external / MiB, rss: usage.rss / MiB, fds: readdirSync('/proc/self/fd').length };
}

/** Microseconds per pull of 32 messages: p50 and p99 over BACKLOG_PULLS pulls, one at a time. */
async function pullTimes(store: MessageStore, offsetIn: (max: number) => number): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let index = 0; index < BACKLOG_PULLS; index++) {
    const queueId = index % QUEUES;
    const offset = offsetIn(store.getMaxOffsetInQueue('BenchTopic', queueId));
    const started = performance.now();
    const result = await store.getMessage({ topic: 'BenchTopic', queueId, offset, maxMsgNums: 32 });
    times.push((performance.now() - started) * 1000);
    if (result.status !== 'FOUND') throw new Error(`pull ${queueId}@${offset}: ${result.status}`);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)] ?? 0, p99: times[Math.floor(times.length * 0.99)] ?? 0 };
}

async function backlogTable(): Promise<string[]> {
  settle();
  return withDir(async (root) => {
    const store = openStore(benchConfig(root));
    await store.start();
    const lines = [`### Backlog (1 KiB messages over ${QUEUES} queues)`, '| store holds | heap MiB | external MiB | RSS MiB | open fds |', '|---|---|---|---|---|'];
    const reading = (label: string): void => {
      const { heap, external, rss, fds } = footprint();
      lines.push(`| ${label} | ${heap.toFixed(1)} | ${external.toFixed(1)} | ${rss.toFixed(1)} | ${fds} |`);
    };
    reading('nothing');
    let messages = 0;
    for (const share of [0.1, 1]) {
      messages += await fill(store, BACKLOG_BYTES * share);
      reading(`${fmt(messages)} messages (${((BACKLOG_BYTES * share) / MiB).toFixed(0)} MiB)`);
    }
    const recent = await pullTimes(store, (max) => Math.max(0, max - 32 - Math.floor(Math.random() * 1000)));
    const dropped = dropCaches();
    const old = await pullTimes(store, () => Math.floor(Math.random() * 1000));
    await store.shutdown();
    lines.push('', '| pull of 32 | p50 µs | p99 µs |', '|---|---|---|');
    lines.push(`| recent offsets (hot) | ${fmt(recent.p50)} | ${fmt(recent.p99)} |`);
    lines.push(`| oldest offsets (${dropped ? 'page cache dropped' : 'page cache NOT dropped'}) | ${fmt(old.p50)} | ${fmt(old.p99)} |`);
    return lines;
  });
}

async function main(): Promise<void> {
  console.error(`bench:store in ${BASE_DIR}${quick ? ' (quick)' : ''}`);
  const only = process.argv.includes('--backlog-only') ? backlogTable : process.argv.includes('--append-only') ? appendTable : undefined;
  const sections = only !== undefined
    ? [['## Machine', ...machine()], await only()]
    : [['## Machine', ...machine()], await machineLimits(), await appendTable(), await recoveryTable(), await readTable(), await backlogTable()];
  sections.push([`Load average at the end: ${loadavg().map((value) => value.toFixed(2)).join(', ')}`]);
  console.log(sections.map((lines) => lines.join('\n')).join('\n\n'));
}

await main();
