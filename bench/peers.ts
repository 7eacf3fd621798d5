/**
 * peers.ts: `npm run bench:peers`, our broker next to the systems a user would pick instead, on
 * this machine in one run: RabbitMQ (quorum queue, confirms), NATS JetStream (file storage), Redis
 * Streams (appendfsync everysec, and always for the SYNC comparison), our broker (ASYNC_FLUSH and
 * SYNC_FLUSH, each also publishing through the producer's autoBatch) and a Node.js append-only log
 * with group commit (the ceiling of a Node process).
 *
 *   npm run bench:peers -- [--quick] [--only ours-async,nats] [--rounds 3] [--no-install] [--no-write]
 *
 * Each round first probes the machine's scheduling (bench/lib/scheduling.ts: how late an idle
 * Node.js process's 1 ms timer fires, for as long as the latency workload runs), then starts every system in turn (order rotated between rounds) in a fresh temp folder on
 * loopback, runs the workloads (bench/lib/workload.ts) with 1 KiB messages: a warm-up (publish,
 * and drain where the system drains), publish
 * 200,000 with 1,000 unacknowledged in flight, drain that backlog with acks, end-to-end latency at
 * 5,000 msg/s for 10 s (after 2 s at that rate, not counted), publish with one send in flight for
 * 10 s; then stops it. Systems marked
 * 'publish' run the two publish workloads only, 'publish+latency' those and the end-to-end one. Missing Debian packages are installed with
 * apt-get. Medians over rounds with min–max, lead factors from the same round, our broker's RSS and
 * standalone boot time go to docs/benchmarks.md (between markers) and docs/bench-peers.svg.
 * Every server started is stopped at the end, on Ctrl-C and on errors (bench/lib/processes.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { drain, latency, publish, type MessagingSystem, type Result } from './lib/workload.js';
import { onStopAll, rssMiB, sampleRss, stopAll, stopOnExit } from './lib/processes.js';
import { load, rate } from './lib/print.js';
import { formatUs } from './lib/histogram.js';
import { positiveInt } from './lib/cli.js';
import { debianVersion, type Peer, type RunningPeer } from './lib/peers/peer.js';
import { oursAsync, oursAsyncBatch, oursSync, oursSyncBatch, standaloneBootMs } from './lib/peers/ours.js';
import { rabbitmq } from './lib/peers/rabbitmq.js';
import { nats } from './lib/peers/nats.js';
import { redisAlways, redisEverysec } from './lib/peers/redis.js';
import { appendLog, appendLogSync } from './lib/peers/append-log.js';
import { writeReport, type Metrics, type RunInfo } from './lib/report.js';
import { LATE_MS, probeScheduling } from './lib/scheduling.js';

const PEERS: readonly Peer[] = [oursAsync, oursSync, oursAsyncBatch, oursSyncBatch, rabbitmq, nats, redisEverysec, redisAlways, appendLog, appendLogSync];

export interface Workloads {
  readonly size: number;
  readonly warmup: number;
  readonly messages: number;
  readonly inFlight: number;
  readonly latencyRate: number;
  readonly latencyMs: number;
  /** Sent at the latency rate first, not counted (the paths at that rate warm up). */
  readonly latencyWarmUpMs: number;
  readonly singleMs: number;
}

const FULL: Workloads = { size: 1024, warmup: 20_000, messages: 200_000, inFlight: 1000, latencyRate: 5000, latencyMs: 10_000, latencyWarmUpMs: 2_000, singleMs: 10_000 };
const QUICK: Workloads = { size: 1024, warmup: 2_000, messages: 20_000, inFlight: 1000, latencyRate: 5000, latencyMs: 3_000, latencyWarmUpMs: 1_000, singleMs: 2_000 };

const print = (line: string): boolean => process.stdout.write(`${line}\n`);

async function publishOn(system: MessagingSystem, topic: string, options: { messages?: number; durationMs?: number; inFlight: number; size: number }): Promise<Result> {
  const publisher = await system.publisher(topic);
  try {
    const { size, ...limits } = options;
    return await publish([publisher], { body: Buffer.alloc(size, 'x'), ...limits });
  } finally {
    await publisher.close();
  }
}

function failed(what: string, result: Result): string {
  return result.errors > 0 ? ` (${result.errors} errors: ${result.firstError instanceof Error ? result.firstError.message : String(result.firstError)}; ${what})` : '';
}

/** The workloads against one started system; fills `metrics` as it goes (a failure keeps what was measured). */
async function measure(peer: Peer, running: RunningPeer, work: Workloads, metrics: Metrics): Promise<void> {
  const system = running.system;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  metrics['rssIdleMiB'] = await rssMiB(running.pid);
  for (const topic of ['bench_warmup', 'bench_publish', 'bench_latency', 'bench_single']) await system.prepare?.(topic);
  const sampler = sampleRss(running.pid);
  const warmup = await publishOn(system, 'bench_warmup', { messages: work.warmup, inFlight: work.inFlight, size: work.size });
  // The warm-up also drains what it published, so the drain is measured warm like the publish
  // (a fresh broker's pull path, and the client's consumer in the first round, ran cold: ~1 s of ramp).
  if (peer.workloads === 'all') await drain(system, 'bench_warmup', warmup.messages, 300_000);
  const published = await publishOn(system, 'bench_publish', { messages: work.messages, inFlight: work.inFlight, size: work.size });
  metrics['publishRate'] = published.errors > 0 ? Number.NaN : rate(published);
  metrics['publishP99Us'] = published.histogram.percentileUs(99);
  print(`    publish ${Math.round(rate(published)).toLocaleString('en-US')} msg/s, send RT p50 ${formatUs(published.histogram.percentileUs(50))} p99 ${formatUs(published.histogram.percentileUs(99))}${failed('not counted', published)}`);
  if (peer.workloads === 'all') {
    const drained = await drain(system, 'bench_publish', published.messages, 300_000);
    metrics['drainRate'] = drained.messages < published.messages ? Number.NaN : rate(drained);
    print(`    drain ${Math.round(rate(drained)).toLocaleString('en-US')} msg/s (${drained.messages} of ${published.messages})`);
  }
  metrics['rssLoadMiB'] = await sampler.stop();
  if (peer.workloads !== 'publish') {
    const e2e = await latency(system, 'bench_latency', { size: work.size, rate: work.latencyRate, durationMs: work.latencyMs, warmUpMs: work.latencyWarmUpMs });
    const histogram = e2e.histogram;
    const complete = e2e.errors === 0 && e2e.messages === Math.round((work.latencyRate * work.latencyMs) / 1000);
    for (const [key, percentile] of [['e2eP50Us', 50], ['e2eP99Us', 99], ['e2eP999Us', 99.9]] as const) metrics[key] = complete ? histogram.percentileUs(percentile) : Number.NaN;
    metrics['e2eMaxUs'] = complete ? histogram.maxUs : Number.NaN;
    metrics['e2eLost'] = Math.round((work.latencyRate * work.latencyMs) / 1000) - e2e.messages;
    print(`    e2e at ${work.latencyRate}/s: p50 ${formatUs(histogram.percentileUs(50))} p99 ${formatUs(histogram.percentileUs(99))} p99.9 ${formatUs(histogram.percentileUs(99.9))} max ${formatUs(histogram.maxUs)} (${e2e.messages} received)${failed('not counted', e2e)}`);
  }
  const single = await publishOn(system, 'bench_single', { durationMs: work.singleMs, inFlight: 1, size: work.size });
  metrics['singleRate'] = single.errors > 0 ? Number.NaN : rate(single);
  metrics['singleP50Us'] = single.histogram.percentileUs(50);
  metrics['singleP99Us'] = single.histogram.percentileUs(99);
  print(`    one in flight ${Math.round(rate(single)).toLocaleString('en-US')} msg/s, RT p50 ${formatUs(single.histogram.percentileUs(50))} p99 ${formatUs(single.histogram.percentileUs(99))}${failed('not counted', single)}`);
}

async function runPeer(peer: Peer, work: Workloads): Promise<Metrics> {
  const metrics: Metrics = {};
  const dir = await mkdtemp(join(tmpdir(), `bench-${peer.name}-`));
  // Ctrl-C exits from stopAll(): the folder goes with the servers.
  const forget = onStopAll(() => rm(dir, { recursive: true, force: true }));
  try {
    const running = await peer.start(dir);
    metrics['bootMs'] = running.bootMs;
    try {
      await measure(peer, running, work, metrics);
    } finally {
      await running.stop();
    }
  } catch (error) {
    print(`    FAILED: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    forget();
    await rm(dir, { recursive: true, force: true });
  }
  return metrics;
}

async function ensureInstalled(peers: readonly Peer[]): Promise<void> {
  const missing: string[] = [];
  for (const peer of peers) {
    if (peer.debianPackage !== undefined && (await debianVersion(peer.debianPackage)) === undefined && !missing.includes(peer.debianPackage)) missing.push(peer.debianPackage);
  }
  if (missing.length === 0) return;
  print(`installing ${missing.join(' ')} (apt-get)`);
  const run = promisify(execFile);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, maxBuffer: 64 << 20 });
  await run('apt-get', ['install', '-y', '-q', ...missing], { env, maxBuffer: 64 << 20 });
}

interface Options {
  readonly quick?: boolean;
  readonly only?: string;
  readonly rounds?: number;
  readonly install: boolean;
  readonly write: boolean;
}

function selectPeers(only: string | undefined): Peer[] {
  if (only === undefined) return [...PEERS];
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !PEERS.some((peer) => peer.name === name));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')}; known: ${PEERS.map((peer) => peer.name).join(', ')}`);
  return PEERS.filter((peer) => names.includes(peer.name));
}

async function main(): Promise<void> {
  const options = new Command('bench:peers')
    .description('Our broker next to RabbitMQ, NATS JetStream, Redis Streams and a Node.js append-only log')
    .option('--quick', 'smaller counts and one round, for development')
    .option('--only <systems>', `comma-separated subset of: ${PEERS.map((peer) => peer.name).join(', ')}`)
    .option('--rounds <n>', 'rounds (default 3, 1 with --quick)', positiveInt)
    .option('--no-install', 'do not apt-get install missing peers')
    .option('--no-write', 'print only; leave docs/benchmarks.md and docs/bench-peers.svg alone')
    .parse()
    .opts<Options>();
  const peers = selectPeers(options.only);
  const work = options.quick === true ? QUICK : FULL;
  const rounds = options.rounds ?? (options.quick === true ? 1 : 3);
  stopOnExit();
  if (options.install) await ensureInstalled(peers);
  const info: RunInfo = { started: new Date(), loadBefore: load(), loadAfter: '', quick: options.quick === true, rounds, work, versions: {}, labels: {}, bootMs: [], scheduling: [] };
  for (const peer of peers) {
    info.versions[peer.name] = await peer.version();
    info.labels[peer.name] = peer.label;
  }
  const results = new Map<string, Metrics[]>(peers.map((peer) => [peer.name, []]));
  for (let round = 0; round < rounds; round++) {
    print(`round ${round + 1} of ${rounds} (load average ${load()})`);
    const probe = await probeScheduling(work.latencyMs);
    info.scheduling.push(probe);
    print(`  idle 1 ms timer: ${probe.stalls} wake-ups over ${LATE_MS} ms late in ${(probe.durationMs / 1000).toFixed(0)} s (${probe.stalledPercent.toFixed(1)}% of the time), worst ${probe.worstMs.toFixed(1)} ms`);
    if (peers.some((peer) => peer.name.startsWith('ours'))) {
      const dir = await mkdtemp(join(tmpdir(), 'bench-standalone-'));
      info.bootMs.push(await standaloneBootMs(dir).catch(() => Number.NaN));
      await rm(dir, { recursive: true, force: true });
      print(`  standalone start to boot line: ${info.bootMs.at(-1)?.toFixed(0)} ms`);
    }
    const order = peers.map((_, index) => peers[(index + round) % peers.length]!);
    for (const peer of order) {
      print(`  ${peer.name}`);
      results.get(peer.name)!.push(await runPeer(peer, work));
    }
  }
  info.loadAfter = load();
  const report = await writeReport(info, results, options.write);
  print(report);
}

main()
  .then(() => stopAll())
  .then(
    () => process.exit(0),
    async (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      await stopAll();
      process.exit(1);
    },
  );
