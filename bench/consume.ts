/**
 * consume.ts: `npm run bench:consume`, consumption rates over our client SDK (PushConsumer),
 * against any NameServer.
 *
 *   npm run bench:consume -- [--namesrv ..] [--topic ..] [--size 1024] [--fill N] [--messages N]
 *     [--tail --duration 30] [--pull-batch 32] [--rounds 1]
 *
 * Drain (default): optionally publishes --fill messages first (1,000 in flight), then a consumer
 * of a fresh group reads the topic from its first offset until --messages (default: --fill, else
 * 100,000) arrived: the backlog drain rate, this process's CPU per message and its collections; --rounds repeats
 * the drain in the same process with a fresh group each time. --tail: a consumer follows the
 * topic's end while a producer publishes at full speed for --duration seconds: the tail-follow
 * rate, and how far the consumer lags behind at the end.
 */
import { Meter, drain, publish, sendOnce, type MessagingSystem } from './lib/workload.js';
import { rocketmqSystem } from './lib/rocketmq.js';
import { benchCommand, positiveInt, run, systemOptions, type CommonOptions } from './lib/cli.js';
import { intervalLine, machineLine, summaryLines } from './lib/print.js';
import { gcLine, meterGc } from './lib/gc-meter.js';

interface Options extends CommonOptions {
  readonly fill?: number;
  readonly messages?: number;
  readonly tail?: boolean;
  readonly duration: number;
  readonly pullBatch: number;
  readonly rounds: number;
}

const print = (line: string): boolean => process.stdout.write(`${line}\n`);

async function fill(system: MessagingSystem, options: Options, count: number): Promise<void> {
  const publisher = await system.publisher(options.topic);
  try {
    const result = await publish([publisher], { body: Buffer.alloc(options.size, 'x'), inFlight: 1000, messages: count });
    for (const line of summaryLines('fill', result, 'send RT')) print(line);
    if (result.errors > 0) throw new Error(`${result.errors} sends failed while filling the backlog`);
  } finally {
    await publisher.close();
  }
}

async function tail(system: MessagingSystem, options: Options): Promise<void> {
  const publisher = await system.publisher(options.topic);
  await sendOnce(publisher, Buffer.alloc(options.size, 'x'));
  const meter = new Meter((interval) => print(`consumed ${intervalLine(interval, '')}`));
  const subscription = await system.subscribe(options.topic, false, (body) => meter.hit(body.length, -1));
  try {
    const published = await publish([publisher], { body: Buffer.alloc(options.size, 'x'), inFlight: 1000, durationMs: options.duration * 1000 });
    for (const line of summaryLines('published', published, 'send RT')) print(line);
    const lag = published.messages - meter.messages;
    print(`consumer behind by ${lag.toLocaleString('en-US')} messages when publishing stopped`);
    const deadline = Date.now() + 60_000;
    while (meter.messages < published.messages && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const line of summaryLines('consumed (tail-follow)', meter.finish(), '')) print(line);
  } finally {
    meter.finish();
    await publisher.close();
    await subscription.close();
  }
}

async function main(): Promise<void> {
  const options = benchCommand('bench:consume', 'Backlog drain and tail-follow rates of a PushConsumer')
    .option('--fill <n>', 'publish this many messages first (drain)', positiveInt)
    .option('--messages <n>', 'messages to drain (default: --fill, else 100000)', positiveInt)
    .option('--tail', 'follow the end of the topic while publishing instead of draining')
    .option('--duration <seconds>', 'how long to publish with --tail', positiveInt, 30)
    .option('--pull-batch <n>', 'PushConsumer pullBatchSize', positiveInt, 32)
    .option('--rounds <n>', 'drain the backlog this many times in this process, a fresh group each (warm-up shows)', positiveInt, 1)
    .parse()
    .opts<Options>();
  const system = rocketmqSystem({ ...systemOptions(options), pullBatchSize: options.pullBatch });
  await system.prepare?.(options.topic);
  print(machineLine());
  if (options.tail === true) {
    print(`bench:consume tail-follow of ${options.topic} for ${options.duration} s, ${options.size} B via ${options.namesrv}`);
    await tail(system, options);
    return;
  }
  if (options.fill !== undefined) await fill(system, options, options.fill);
  const count = options.messages ?? options.fill ?? 100_000;
  for (let round = 1; round <= options.rounds; round++) {
    const which = options.rounds > 1 ? ` (round ${round} of ${options.rounds}, a fresh group each)` : '';
    print(`bench:consume drain ${count.toLocaleString('en-US')} messages of ${options.topic} from the first offset via ${options.namesrv}${which}`);
    const cpuBefore = process.cpuUsage();
    const stopGc = meterGc();
    const result = await drain(system, options.topic, count, 600_000, (interval) => print(intervalLine(interval, '')));
    const cpu = process.cpuUsage(cpuBefore);
    const gc = stopGc();
    for (const line of summaryLines('drained', result, '')) print(line);
    // This process's CPU over the drain (the consumer's, mostly): the figure the drain's A/B comparisons use.
    print(`  client CPU ${((cpu.user + cpu.system) / Math.max(result.messages, 1)).toFixed(2)} µs a message (user ${(cpu.user / 1000).toFixed(0)} ms, system ${(cpu.system / 1000).toFixed(0)} ms); ${gcLine(gc)}`);
    if (result.messages < count) throw new Error(`only ${result.messages} of ${count} messages arrived within 600 s`);
  }
}

run(main);
