/**
 * broker-crash.test.ts: the broker as a real process (`standalone`: name server + broker on port
 * 0), killed with SIGKILL at random moments while producers send synchronously, and restarted on
 * the same store folder. After every restart:
 * - every acknowledged message (SEND_MESSAGE_V2 answered SUCCESS) is read back intact at the
 *   queue and queue offset its answer reported (PULL_MESSAGE), and by its msgId
 *   (VIEW_MESSAGE_BY_ID);
 * - every queue runs from offset 0 to its maximum without a gap or a duplicate, each record passes
 *   its BODYCRC and is exactly a message some producer sent (a send whose answer was lost to the
 *   kill may be there or not).
 * SYNC_FLUSH acknowledges after fdatasync; ASYNC_FLUSH once the OS has the bytes, so a process
 * kill must lose nothing acknowledged in either mode (a power loss is the store contract tests'
 * business: src/store/contract.test.ts). Seeded: SEED=n replays the kill schedule.
 */
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { decodeOffsetMessageId, type MessageRecord } from '../../src/message/index.js';
import { RequestCode, ResponseCode, ViewMessageRequestHeader } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { SeededRandom } from '../../src/store/file/seeded-random.js';
import { testSeeds } from '../../src/store/testing/ledger.js';
import { decodeRecords, pullHeader, pullMessage, queueOffset, recordProperties, REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';
import { adminClient, tempDir, updateTopic } from '../harness/cluster.js';
import { startUntil, type Started } from '../harness/process.js';

const BROKER_BOOT = /^The broker\[broker-a, ([\d.]+:\d+)\] boot success/m;
const NAMESRV_BOOT = /^The Name Server boot success/m;
const TOPIC = 'CrashTopic';
const QUEUES = 4;
const KILLS = 10;
const PRODUCERS = 4;
const PULL_BATCH = 32;

interface Sent {
  readonly queueId: number;
  readonly body: Buffer;
}

interface Acked {
  readonly uid: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly msgId: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class CrashRun {
  readonly sent = new Map<string, Sent>();
  readonly acked = new Map<string, Acked>();
  private sequence = 0;
  private child: Started | undefined;

  constructor(
    readonly random: SeededRandom,
    readonly client: RemotingClient,
    readonly args: readonly string[],
  ) {}

  async start(): Promise<string> {
    this.child = await startUntil('standalone', this.args, [NAMESRV_BOOT, BROKER_BOOT]);
    return this.child.matches[1]?.[1] ?? '';
  }

  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined) {
      const exit = await child.stop('SIGKILL');
      assert.equal(exit.signal, 'SIGKILL', `the broker died before the kill: ${exit.stderr.slice(-2000)}`);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child !== undefined) assert.equal((await child.stop('SIGTERM')).code, 0);
  }

  /** Sends until `running()` is false, recording what was acknowledged; a failed send is only counted. */
  async produce(address: string, running: () => boolean): Promise<number> {
    let failures = 0;
    while (running()) {
      const uid = `m${this.sequence++}`;
      const queueId = this.random.int(QUEUES);
      const body = Buffer.from(`${uid}:${'x'.repeat(this.random.int(1500))}`);
      this.sent.set(uid, { queueId, body });
      try {
        const response = await sendMessage(this.client, address, { topic: TOPIC, queueId, body, properties: { KEYS: uid } });
        if (response.code !== ResponseCode.SUCCESS) {
          failures += 1;
          continue;
        }
        const header = sendResult(response);
        this.acked.set(uid, { uid, queueId: header.queueId, queueOffset: header.queueOffset, msgId: header.msgId });
      } catch {
        failures += 1; // The connection died with the broker: this send's answer is lost.
        await sleep(5);
      }
    }
    return failures;
  }

  /** Reads every queue whole: contiguous offsets, CRC-clean records that were sent, each once. */
  async verifyQueues(address: string): Promise<Map<string, MessageRecord>> {
    const found = new Map<string, MessageRecord>();
    for (let queueId = 0; queueId < QUEUES; queueId++) {
      const max = await queueOffset(this.client, address, RequestCode.GET_MAX_OFFSET, TOPIC, queueId);
      for (let offset = 0; offset < max; ) {
        const response = await pullMessage(this.client, address, { group: 'crash_checker', topic: TOPIC, queueId, offset, maxMsgNums: PULL_BATCH });
        assert.equal(response.code, ResponseCode.SUCCESS, `pull ${queueId}@${offset} of ${max}: ${response.code} ${response.remark ?? ''}`);
        for (const record of decodeRecords(response.body)) {
          assert.equal(record.queueOffset, offset, `queue ${queueId}: offsets run without gaps`);
          const uid = recordProperties(record).get('KEYS') ?? '?';
          const sent = this.sent.get(uid);
          assert.ok(sent !== undefined, `queue ${queueId}@${offset}: a record nobody sent`);
          assert.ok(record.body.equals(sent.body) && record.queueId === sent.queueId, `${uid} is not what was sent`);
          assert.ok(!found.has(uid), `${uid} is stored twice`);
          found.set(uid, record);
          offset += 1;
        }
        assert.equal(pullHeader(response).nextBeginOffset, offset);
      }
    }
    return found;
  }

  /** Every acknowledged message is where its answer said, by queue offset and by msgId. */
  async verifyAcked(address: string, found: Map<string, MessageRecord>, byId: readonly Acked[]): Promise<void> {
    for (const acked of this.acked.values()) {
      const record = found.get(acked.uid);
      assert.ok(record !== undefined, `acknowledged ${acked.uid} (${acked.queueId}@${acked.queueOffset}) is gone`);
      assert.deepEqual([record.queueId, record.queueOffset], [acked.queueId, acked.queueOffset], `${acked.uid} moved`);
    }
    for (const acked of byId) {
      const offset = decodeOffsetMessageId(acked.msgId).commitLogOffset;
      const response = await this.client.invoke(address, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields: ViewMessageRequestHeader.encode({ offset }) }, REQUEST_TIMEOUT_MS);
      assert.equal(response.code, ResponseCode.SUCCESS, `VIEW_MESSAGE_BY_ID ${acked.msgId}: ${response.remark ?? ''}`);
      const [record] = decodeRecords(response.body);
      assert.equal(recordProperties(record as MessageRecord).get('KEYS'), acked.uid, `${acked.msgId} names another message`);
      assert.ok(record?.body.equals(this.sent.get(acked.uid)?.body ?? Buffer.alloc(0)), `${acked.uid} by msgId`);
    }
  }
}

async function crashLoop(flushDiskType: 'SYNC_FLUSH' | 'ASYNC_FLUSH', seed: number, client: RemotingClient): Promise<string[]> {
  const random = new SeededRandom(seed);
  const store = await tempDir(`crash-${flushDiskType}`);
  const conf = join(store, 'broker.conf');
  await writeFile(conf, `flushDiskType=${flushDiskType}\nmappedFileSizeCommitLog=1048576\nmaxMessageSize=65536\nflushIntervalConsumeQueue=50\nflushIntervalCommitLog=50\n`);
  const run = new CrashRun(random, client, ['--namesrv-port', '0', '--broker-port', '0', '--store', join(store, 'data'), '-c', conf]);
  const history: string[] = [];
  try {
    let address = await run.start();
    assert.equal((await updateTopic(client, address, TOPIC, QUEUES)).code, ResponseCode.SUCCESS);
    let checked = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      let running = true;
      const producers = Array.from({ length: PRODUCERS }, () => run.produce(address, () => running));
      const delay = random.between(100, 600);
      await sleep(delay);
      await run.kill();
      running = false;
      const failures = (await Promise.all(producers)).reduce((sum, count) => sum + count, 0);
      history.push(`kill ${kill} after ${delay} ms: ${run.acked.size} acked, ${failures} failed sends`);
      address = await run.start();
      const found = await run.verifyQueues(address);
      const fresh = [...run.acked.values()].slice(checked);
      await run.verifyAcked(address, found, fresh);
      checked = run.acked.size;
    }
    assert.ok(run.acked.size > KILLS, `sends were acknowledged between the kills (${history.join('; ')})`);
    await run.verifyAcked(address, await run.verifyQueues(address), [...run.acked.values()]);
    await run.stop();
    return [`seed ${seed}`, ...history];
  } catch (error) {
    await run.kill().catch(() => undefined);
    throw new Error(`SEED=${seed} ${flushDiskType}: ${(error as Error).message}\n${history.join('\n')}`, { cause: error });
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}

const client = adminClient();
after(() => client.close());

describe('broker crash', { timeout: 120_000 }, () => {
  for (const flushDiskType of ['SYNC_FLUSH', 'ASYNC_FLUSH'] as const) {
    test(`broker crash - ${flushDiskType}: ${KILLS} SIGKILLs while producers send; every acknowledged message is read back intact, queues stay contiguous`, async (t) => {
      for (const seed of testSeeds(1)) for (const line of await crashLoop(flushDiskType, seed, client)) t.diagnostic(line);
    });
  }
});
