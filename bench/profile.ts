/**
 * profile.ts: `npm run bench:profile`, one command for the CPU profiles behind docs/benchmarks.md:
 * our name server and broker as child processes (the broker under `node --cpu-prof`), one
 * workload through our client SDK, then self time per function and per file of the broker and of
 * this client process, with the machine, date and load average. The .cpuprofile files are kept
 * (open them in Chrome DevTools for flame graphs).
 *
 *   npm run bench:profile -- [--workload publish|drain|e2e] [--messages 200000] [--flush ASYNC_FLUSH|SYNC_FLUSH]
 *     [--rate 5000 --duration 10] [--top 25] [--out <folder>]
 *
 * publish: 1 KiB messages with 1,000 in flight. drain: fills the topic first, restarts the broker
 * (so the profile holds the drain only, from a cold broker), then reads it from the first offset.
 * e2e: end-to-end latency at --rate for --duration seconds.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { drain, latency, publish, type MessagingSystem, type Result } from './lib/workload.js';
import { rocketmqSystem } from './lib/rocketmq.js';
import { positiveInt, run } from './lib/cli.js';
import { machineLine, summaryLines } from './lib/print.js';
import { startBroker, startOurs, type FlushDiskType } from './lib/peers/ours.js';
import { stopAll, stopOnExit } from './lib/processes.js';
import { profileThisProcess, summarize, type CpuProfile } from './lib/cpu-profile.js';
import { Command } from 'commander';

interface Options {
  readonly workload: string;
  readonly messages: number;
  readonly flush: string;
  readonly rate: number;
  readonly duration: number;
  readonly top: number;
  readonly out?: string;
}

const print = (line: string): boolean => process.stdout.write(`${line}\n`);
const TOPIC = 'bench_profile';

async function publishAll(system: MessagingSystem, messages: number): Promise<Result> {
  const publisher = await system.publisher(TOPIC);
  try {
    return await publish([publisher], { body: Buffer.alloc(1024, 'x'), inFlight: 1000, messages });
  } finally {
    await publisher.close();
  }
}

async function workload(options: Options, system: MessagingSystem): Promise<Result> {
  if (options.workload === 'publish') return publishAll(system, options.messages);
  if (options.workload === 'drain') return drain(system, TOPIC, options.messages, 600_000);
  return latency(system, TOPIC, { size: 1024, rate: options.rate, durationMs: options.duration * 1000 });
}

async function main(): Promise<void> {
  const options = new Command('bench:profile')
    .description('CPU profiles of our broker and of the client under one workload')
    .option('--workload <name>', 'publish, drain or e2e', 'publish')
    .option('--messages <n>', 'messages to publish or drain', positiveInt, 200_000)
    .option('--flush <type>', 'ASYNC_FLUSH or SYNC_FLUSH', 'ASYNC_FLUSH')
    .option('--rate <n>', 'e2e: messages per second', positiveInt, 5000)
    .option('--duration <seconds>', 'e2e: seconds', positiveInt, 10)
    .option('--top <n>', 'functions to list', positiveInt, 25)
    .option('--out <folder>', 'where the .cpuprofile files go (default: a temp folder)')
    .parse()
    .opts<Options>();
  if (!['publish', 'drain', 'e2e'].includes(options.workload)) throw new Error(`--workload ${options.workload}: not publish, drain or e2e`);
  if (options.flush !== 'ASYNC_FLUSH' && options.flush !== 'SYNC_FLUSH') throw new Error(`--flush ${options.flush}: not ASYNC_FLUSH or SYNC_FLUSH`);
  stopOnExit();
  const dir = await mkdtemp(join(tmpdir(), 'bench-profile-'));
  const out = options.out ?? join(dir, 'profiles');
  await mkdir(out, { recursive: true });
  const profiled = ['--cpu-prof', `--cpu-prof-dir=${out}`];
  print(machineLine());
  print(`bench:profile ${options.workload}, ${options.flush}, ${new Date().toISOString()}`);
  const servers = await startOurs(dir, options.flush as FlushDiskType, options.workload === 'drain' ? [] : profiled);
  let broker = servers.broker;
  const system = rocketmqSystem({ namesrvAddr: servers.namesrvAddr, cluster: 'DefaultCluster', queues: 4 });
  await system.prepare?.(TOPIC);
  if (options.workload === 'drain') {
    for (const line of summaryLines('fill (not profiled)', await publishAll(system, options.messages), 'send RT')) print(line);
    await broker.stop();
    broker = await startBroker(dir, profiled);
  }
  const stopClientProfile = await profileThisProcess();
  const result = await workload(options, system);
  const clientProfile = await stopClientProfile();
  for (const line of summaryLines(options.workload, result, options.workload === 'e2e' ? 'end-to-end' : 'send RT')) print(line);
  await broker.stop();
  await servers.namesrv.stop();
  await rm(join(dir, 'store'), { recursive: true, force: true });
  await writeFile(join(out, 'client.cpuprofile'), JSON.stringify(clientProfile));
  const brokerFile = (await readdir(out)).find((name) => name.startsWith('CPU.') && name.endsWith('.cpuprofile'));
  if (brokerFile === undefined) throw new Error(`the broker wrote no profile into ${out}`);
  print(`\nbroker (${join(out, brokerFile)}):`);
  for (const line of summarize(JSON.parse(await readFile(join(out, brokerFile), 'utf8')) as CpuProfile, options.top)) print(`  ${line}`);
  print(`\nclient, this process (${join(out, 'client.cpuprofile')}):`);
  for (const line of summarize(clientProfile, options.top)) print(`  ${line}`);
  print(`\nload average after: ${machineLine().split('load average ')[1] ?? ''}`);
}

run(async () => {
  try {
    await main();
  } finally {
    await stopAll();
  }
});
