/**
 * cli.ts: the options bench:produce, bench:consume and bench:latency share (commander).
 */
import { Command, InvalidArgumentError } from 'commander';

export function positiveInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || !Number.isSafeInteger(number)) throw new InvalidArgumentError('not a positive integer');
  return number;
}

export function nonNegativeInt(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) throw new InvalidArgumentError('not a non-negative integer');
  return number;
}

export interface CommonOptions {
  readonly namesrv: string;
  readonly topic: string;
  readonly size: number;
  readonly cluster?: string;
  readonly queues: number;
}

/** A command with --namesrv (NAMESRV_ADDR or 127.0.0.1:9876), --topic and --size. */
export function benchCommand(name: string, description: string): Command {
  return new Command(name)
    .description(description)
    .option('--namesrv <addr>', 'name server address list, host:port;host:port', process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876')
    .option('--topic <topic>', 'topic (not RocketMQ\'s BenchmarkTest: a system topic of 1,024 queues)', 'BenchTopic')
    .option('--size <bytes>', 'message body size, bytes', positiveInt, 1024)
    .option('--cluster <name>', 'create the topic first on every master of this cluster (mqadmin updateTopic); else the first send creates it')
    .option('--queues <n>', 'queues of a topic created with --cluster', positiveInt, 8);
}

/** The rocketmqSystem options the common flags give. */
export function systemOptions(options: CommonOptions): { namesrvAddr: string; queues: number; cluster?: string } {
  return { namesrvAddr: options.namesrv, queues: options.queues, ...(options.cluster === undefined ? {} : { cluster: options.cluster }) };
}

/** Runs `main`, printing a failure on one line and exiting 1; exits 0 when done (clients may keep timers). */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
