/**
 * latency.ts: `npm run bench:latency`, end-to-end latency over our client SDK at a fixed rate,
 * against any NameServer. The body carries the time each message was due to be sent (the sender
 * never gets to skip a late message: no coordinated omission); a PushConsumer following the
 * topic's end records now minus that time. Producer and consumer run in this process (one clock).
 *
 *   npm run bench:latency -- [--namesrv ..] [--topic ..] [--size 1024] [--rate 5000] [--duration 10] [--warm-up 2]
 *
 * --warm-up sends at the same rate for that many seconds first, not counted (bench:peers: 2 s).
 */
import { latency } from './lib/workload.js';
import { rocketmqSystem } from './lib/rocketmq.js';
import { benchCommand, nonNegativeInt, positiveInt, run, systemOptions, type CommonOptions } from './lib/cli.js';
import { intervalLine, machineLine, summaryLines } from './lib/print.js';

interface Options extends CommonOptions {
  readonly rate: number;
  readonly duration: number;
  readonly warmUp: number;
}

async function main(): Promise<void> {
  const options = benchCommand('bench:latency', 'End-to-end latency at a fixed send rate')
    .option('--rate <n>', 'messages per second', positiveInt, 5000)
    .option('--duration <seconds>', 'how long to send', positiveInt, 10)
    .option('--warm-up <seconds>', 'send at the rate this long first, not counted', nonNegativeInt, 0)
    .parse()
    .opts<Options>();
  process.stdout.write(`${machineLine()}\n`);
  process.stdout.write(`bench:latency ${options.rate} msg/s for ${options.duration} s (after ${options.warmUp} s at that rate not counted), ${options.size} B on ${options.topic} via ${options.namesrv}\n`);
  const system = rocketmqSystem(systemOptions(options));
  await system.prepare?.(options.topic);
  const result = await latency(system, options.topic, {
    size: options.size,
    rate: options.rate,
    durationMs: options.duration * 1000,
    warmUpMs: options.warmUp * 1000,
    onInterval: (interval) => process.stdout.write(`${intervalLine(interval, 'e2e')}\n`),
  });
  for (const line of summaryLines('received', result, 'end-to-end')) process.stdout.write(`${line}\n`);
}

run(main);
