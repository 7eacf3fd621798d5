/**
 * bench/transaction.ts: `npm run bench:transaction`: transactional message throughput over TCP
 * against a NameServer and Broker started in this process (the test harness's), as a Java
 * TransactionMQProducer drives it: a half message (SEND_MESSAGE_V2 with TRAN_MSG), then
 * END_TRANSACTION commit. Each of IN_FLIGHT producers waits for the END_TRANSACTION answer
 * before its next transaction (Java sends it oneway; waiting measures finished transactions).
 * Not part of CI; results go to docs/benchmarks.md by hand.
 *
 * Modes, each the median of RUNS time-boxed runs (the first WARMUP_MS not counted), 1 KiB bodies:
 * - plain: SEND_MESSAGE_V2 alone (the same broker's ceiling);
 * - half + commit: the committed message is written to its real topic and an op message to
 *   RMQ_SYS_TRANS_OP_HALF_TOPIC, so three records per transaction;
 * - half + rollback: two records per transaction.
 * The client shares the process (and the 2 cores) with the broker: the figures are a floor.
 *
 *   npm run bench:transaction -- [--in-flight 256] [--quick]
 */
import { loadavg, cpus } from 'node:os';
import { MessageSysFlag } from '../src/message/index.js';
import { ResponseCode } from '../src/protocol/index.js';
import type { RemotingClient } from '../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv } from '../test/harness/cluster.js';
import { sendMessage } from '../test/harness/broker-requests.js';
import { endTransaction, halfOfSend, sendHalf } from '../test/harness/transaction-requests.js';

const quick = process.argv.includes('--quick');
const inFlightAt = process.argv.indexOf('--in-flight');
const IN_FLIGHT = inFlightAt > 0 ? Number(process.argv[inFlightAt + 1]) : 256;
if (!Number.isSafeInteger(IN_FLIGHT) || IN_FLIGHT <= 0) throw new Error('--in-flight wants a positive integer');
const RUNS = 3;
const WARMUP_MS = quick ? 300 : 1000;
const MEASURE_MS = quick ? 1000 : 5000;
const TOPIC = 'BenchTx';
const GROUP = 'PID_bench_tx';
const BODY = Buffer.alloc(1024, 0x61);

type Mode = 'plain' | 'commit' | 'rollback';

/** One unit of work; throws unless the broker accepted every step. */
async function once(client: RemotingClient, address: string, mode: Mode): Promise<void> {
  if (mode === 'plain') {
    const response = await sendMessage(client, address, { topic: TOPIC, body: BODY, queueId: -1, producerGroup: GROUP });
    if (response.code !== ResponseCode.SUCCESS) throw new Error(`send: ${response.code} ${response.remark ?? ''}`);
    return;
  }
  const half = await sendHalf(client, address, GROUP, { topic: TOPIC, body: BODY, queueId: -1 });
  const decision = mode === 'commit' ? MessageSysFlag.TRANSACTION_COMMIT_TYPE : MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
  const ended = await endTransaction(client, address, GROUP, halfOfSend(half), decision);
  if (ended.code !== ResponseCode.SUCCESS) throw new Error(`END_TRANSACTION: ${ended.code} ${ended.remark ?? ''}`);
}

/** Units finished per second while IN_FLIGHT producers run for WARMUP_MS + MEASURE_MS. */
async function run(client: RemotingClient, address: string, mode: Mode): Promise<number> {
  const started = performance.now();
  const measureFrom = started + WARMUP_MS;
  const end = measureFrom + MEASURE_MS;
  let counted = 0;
  const producer = async (): Promise<void> => {
    while (performance.now() < end) {
      await once(client, address, mode);
      const now = performance.now();
      if (now >= measureFrom && now < end) counted++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, producer));
  return counted / (MEASURE_MS / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} × ${cpus().length}; ${IN_FLIGHT} producers in flight; load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  const namesrv = await startNamesrv();
  // Checks would only add work: every half is decided long before transactionTimeOut.
  const broker = await startBroker({ namesrvAddr: namesrv.address, conf: { transactionCheckInterval: '3600000' } });
  const client = adminClient();
  try {
    await createTopic(client, broker.address, namesrv.address, TOPIC, 8);
    console.log('| mode | runs (per s) | median per s |');
    console.log('|---|---|---|');
    for (const mode of ['plain', 'commit', 'rollback'] as const) {
      const runs: number[] = [];
      for (let index = 0; index < RUNS; index++) runs.push(await run(client, broker.address, mode));
      const label = mode === 'plain' ? 'plain send' : `half + ${mode}`;
      console.log(`| ${label} | ${runs.map((value) => Math.round(value)).join(', ')} | ${Math.round(median(runs))} |`);
    }
  } finally {
    await client.close();
    await broker.stop(true);
    await namesrv.stop();
  }
  console.log(`load average after: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`);
}

await main();
