/**
 * client.ts: `npm run bench:client`, the client SDK's benchmark (not run in CI).
 *
 * A NameServer and a Broker run in a child process (the standalone entry), so process.cpuUsage()
 * here counts the client's CPU only. Two measurements:
 * 1. Producer: 1 KiB messages sent with 1,000 sends in flight at all times (each completion starts
 *    the next send): client CPU per message (target: at most 10 µs) and messages per second.
 * 2. PushConsumer: a backlog of 200,000 messages of 1 KiB consumed from the first offset with the
 *    default options: messages per second and client CPU per message.
 *
 * Results go to stdout as a markdown table; docs/benchmarks.md keeps the numbers of record.
 */
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConsumeResult, Producer, PushConsumer } from '../src/index.js';
import { testLogger } from '../src/log/index.js';
import { BROKER_NODE_OPTIONS } from '../src/bin/node-options.js';
import { adminClient, createTopic, tempDir, waitFor } from '../test/harness/cluster.js';
import { startUntil } from '../test/harness/process.js';

const IN_FLIGHT = 1000;
const WARMUP = 20_000;
const MEASURED = 100_000;
const BACKLOG = 200_000;
const BODY = Buffer.alloc(1024, 'x');

interface Run {
  readonly messages: number;
  readonly wallMs: number;
  readonly cpuUs: number;
}

/** Sends `total` messages keeping `inFlight` sends pending; returns wall time and client CPU. */
async function pipelined(producer: Producer, topic: string, total: number, inFlight: number): Promise<Run> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    let launched = 0;
    let done = 0;
    const launch = (): void => {
      if (launched >= total) return;
      launched++;
      producer.send({ topic, body: BODY }).then(() => {
        done++;
        if (done === total) resolve();
        else launch();
      }, reject);
    };
    for (let index = 0; index < Math.min(inFlight, total); index++) launch();
  });
  const cpu = process.cpuUsage(cpuBefore);
  return { messages: total, wallMs: performance.now() - started, cpuUs: cpu.user + cpu.system };
}

async function consumeBacklog(namesrvAddr: string, topic: string, total: number): Promise<Run> {
  const consumer = new PushConsumer({ groupName: 'GID_bench', namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: testLogger() });
  let consumed = 0;
  consumer.subscribe(topic, '*');
  consumer.onMessage((messages) => {
    consumed += messages.length;
    return ConsumeResult.SUCCESS;
  });
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await consumer.start();
  await waitFor(() => consumed >= total, `${total} messages consumed`, 600_000, 5);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  await consumer.shutdown();
  return { messages: consumed, wallMs, cpuUs: cpu.user + cpu.system };
}

function row(name: string, run: Run): string {
  const perSecond = Math.round(run.messages / (run.wallMs / 1000));
  return `| ${name} | ${run.messages} | ${(run.wallMs / 1000).toFixed(2)} s | ${perSecond.toLocaleString('en-US')} msg/s | ${(run.cpuUs / run.messages).toFixed(2)} µs |`;
}

async function main(): Promise<void> {
  const store = await tempDir('bench-client');
  const servers = await startUntil('standalone', ['--namesrv-port', '0', '--broker-port', '0', '--store', store], [
    /The Name Server boot success\..*:(\d+)/,
    /The broker\[[^,]+, ([^\]]+)\] boot success/,
  ], process.env, BROKER_NODE_OPTIONS);
  const namesrvAddr = `127.0.0.1:${servers.matches[0]?.[1] ?? ''}`;
  const brokerAddr = servers.matches[1]?.[1] ?? '';
  const admin = adminClient();
  try {
    await createTopic(admin, brokerAddr, namesrvAddr, 'BenchProduce', 8);
    await createTopic(admin, brokerAddr, namesrvAddr, 'BenchBacklog', 8);
    const producer = new Producer({ groupName: 'PID_bench', namesrvAddr, logger: testLogger() });
    await producer.start();
    await pipelined(producer, 'BenchProduce', WARMUP, IN_FLIGHT);
    const produce = await pipelined(producer, 'BenchProduce', MEASURED, IN_FLIGHT);
    process.stdout.write(`Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}; broker in a child process\n\n`);
    process.stdout.write('| run | messages | wall | throughput | client CPU per message |\n|---|---|---|---|---|\n');
    process.stdout.write(`${row(`Producer, 1 KiB, ${IN_FLIGHT} in flight`, produce)}\n`);
    // --producer-only: for profiling the send path alone.
    if (!process.argv.includes('--producer-only')) {
      await pipelined(producer, 'BenchBacklog', BACKLOG, IN_FLIGHT);
      const consume = await consumeBacklog(namesrvAddr, 'BenchBacklog', BACKLOG);
      process.stdout.write(`${row('PushConsumer, 200,000-message backlog', consume)}\n`);
    }
    await producer.shutdown();
  } finally {
    await admin.close();
    await servers.stop();
    await rm(store, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:client failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
