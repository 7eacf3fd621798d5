/**
 * produce.ts: `npm run bench:produce`, RocketMQ's benchmark producer over our client SDK. It runs
 * against any NameServer (ours or Apache RocketMQ's); the topic is created on the first send when
 * the broker allows it (autoCreateTopicEnable), else create it first.
 *
 *   npm run bench:produce -- [--namesrv 127.0.0.1:9876] [--topic BenchmarkTest] [--size 1024]
 *     [--producers 1] [--inflight 1000] [--mode sync|async|oneway] [--duration 30 | --messages N]
 *     [--auto-batch]
 *
 * sync keeps one send pending per producer (a thread calling send() in a loop), async keeps
 * --inflight pending per producer, oneway as async but acknowledged once written. Prints msg/s,
 * MB/s and the send RT (avg/p50/p99/max) every second, then a summary.
 */
import { publish } from './lib/workload.js';
import { rocketmqSystem } from './lib/rocketmq.js';
import { benchCommand, positiveInt, run, systemOptions, type CommonOptions } from './lib/cli.js';
import { intervalLine, machineLine, summaryLines } from './lib/print.js';

interface Options extends CommonOptions {
  readonly producers: number;
  readonly inflight: number;
  readonly mode: string;
  readonly duration?: number;
  readonly messages?: number;
  readonly autoBatch?: boolean;
}

async function main(): Promise<void> {
  const options = benchCommand('bench:produce', 'Publish at full speed and print throughput and send RT')
    .option('--producers <n>', 'producers (one connection each)', positiveInt, 1)
    .option('--inflight <n>', 'sends pending per producer (async and oneway)', positiveInt, 1000)
    .option('--mode <mode>', 'sync, async or oneway', 'async')
    .option('--duration <seconds>', 'how long to send (default 30 unless --messages)', positiveInt)
    .option('--messages <n>', 'how many messages to send', positiveInt)
    .option('--auto-batch', "the producer's autoBatch: sends share SEND_BATCH_MESSAGE batches (32 KiB or 10 ms)")
    .parse()
    .opts<Options>();
  if (!['sync', 'async', 'oneway'].includes(options.mode)) throw new Error(`--mode ${options.mode}: not sync, async or oneway`);
  const system = rocketmqSystem({ ...systemOptions(options), mode: options.mode === 'oneway' ? 'oneway' : 'async', autoBatch: options.autoBatch === true });
  await system.prepare?.(options.topic);
  const inFlight = options.mode === 'sync' ? 1 : options.inflight;
  process.stdout.write(`${machineLine()}\n`);
  process.stdout.write(`bench:produce ${options.mode}${options.autoBatch === true ? ' (autoBatch)' : ''}, ${options.producers} producer(s) × ${inFlight} in flight, ${options.size} B to ${options.topic} via ${options.namesrv}\n`);
  const publishers = await Promise.all(Array.from({ length: options.producers }, () => system.publisher(options.topic)));
  try {
    const durationMs = options.messages === undefined ? (options.duration ?? 30) * 1000 : options.duration === undefined ? undefined : options.duration * 1000;
    const result = await publish(publishers, {
      body: Buffer.alloc(options.size, 'x'),
      inFlight,
      ...(options.messages === undefined ? {} : { messages: options.messages }),
      ...(durationMs === undefined ? {} : { durationMs }),
      onInterval: (interval) => process.stdout.write(`${intervalLine(interval, 'RT')}\n`),
    });
    for (const line of summaryLines('summary', result, 'send RT')) process.stdout.write(`${line}\n`);
  } finally {
    await Promise.all(publishers.map((publisher) => publisher.close()));
  }
}

run(main);
