/**
 * ledger.ts: test support for the store's contract and fault tests: a seeded workload of puts
 * over several topics and queues, a ledger of every put attempted and every put acknowledged, and
 * the checks a store must pass after any crash:
 * - every acknowledged message is readable intact at its (topic, queueId, queueOffset) and at its
 *   CommitLog offset (when `durable` says acknowledgements survive the crash);
 * - nothing corrupt is ever served: each record a pull returns passes its BODYCRC and is, byte for
 *   byte, a message that was put (topic, queue, body, properties), stored at most once;
 * - queue offsets run from the queue's minimum to its maximum without gaps or duplicates, and
 *   every ConsumeQueue entry points at a record of its own queue.
 * Only *.test.ts files import it.
 */
import assert from 'node:assert/strict';
import { decodeRecord, findProperty, tagsCode, type MessageRecord } from '../../message/index.js';
import { SeededRandom } from '../file/seeded-random.js';
import type { MessageStore, PutMessageRequest, PutMessageResult } from '../message-store.js';
import { BORN_HOST } from './fixture.js';

export const LEDGER_TOPICS = ['TopicA', 'TopicB', 'TopicC'] as const;
export const LEDGER_QUEUES = 4;
/** A page of a queue scan; well under maxTransferCountOnMessageInMemory. */
const SCAN_PAGE = 16;

export interface Attempt {
  readonly uid: string;
  readonly request: PutMessageRequest;
}

export interface Acked {
  readonly uid: string;
  readonly topic: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly size: number;
  readonly msgId: string;
}

export interface WorkloadOptions {
  /** Puts to attempt at most (each single or a batch). */
  readonly puts: number;
  readonly producers: number;
  /** Chance that a put is a batch of 2..4 messages of one queue. */
  readonly batchChance: number;
  /** Called after each acknowledged put; returning true stops the producers (to crash). */
  readonly onAck?: (ackedSoFar: number) => boolean;
}

export class Ledger {
  readonly attempts = new Map<string, Attempt>();
  readonly acked = new Map<string, Acked>();
  private sequence = 0;

  constructor(readonly random: SeededRandom) {}

  /** A new message with a unique id in its body and KEYS, a random body length and tag. */
  nextAttempt(topic: string, queueId: number): Attempt {
    const uid = `u${this.sequence++}`;
    const filler = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(20).slice(0, this.random.int(300));
    const tag = `Tag${this.random.int(3)}`;
    const request: PutMessageRequest = {
      topic,
      queueId,
      flag: this.random.int(4),
      body: Buffer.from(`${uid}|${topic}|${queueId}|${filler}`),
      properties: `KEYS\u0001${uid}\u0002TAGS\u0001${tag}\u0002`,
      sysFlag: 0,
      bornTimestamp: 1_700_000_000_000 + this.sequence,
      bornHost: BORN_HOST,
      reconsumeTimes: 0,
      preparedTransactionOffset: 0,
      tagsCode: tagsCode(tag),
    };
    const attempt = { uid, request };
    this.attempts.set(uid, attempt);
    return attempt;
  }

  /** Runs `producers` concurrent producers until `puts` were attempted, a put fails, or onAck says stop. */
  async run(store: MessageStore, options: WorkloadOptions): Promise<{ acked: number; failures: string[] }> {
    let attempted = 0;
    let stop = false;
    let ackedNow = 0;
    const failures: string[] = [];
    const producer = async (): Promise<void> => {
      while (!stop && attempted < options.puts) {
        attempted += 1;
        const topic = LEDGER_TOPICS[this.random.int(LEDGER_TOPICS.length)] as string;
        const queueId = this.random.int(LEDGER_QUEUES);
        const count = this.random.chance(options.batchChance) ? this.random.between(2, 4) : 1;
        const batch = Array.from({ length: count }, () => this.nextAttempt(topic, queueId));
        let result: PutMessageResult;
        try {
          result = await store.putMessages(batch.map((attempt) => attempt.request));
        } catch (error) {
          result = { status: 'SERVICE_NOT_AVAILABLE', reason: `threw: ${String(error)}` };
        }
        if (result.status !== 'PUT_OK') {
          failures.push(`${result.status}: ${'reason' in result ? result.reason : ''}`);
          stop = true;
          return;
        }
        result.messages.forEach((message, index) => {
          const uid = (batch[index] as Attempt).uid;
          const { queueOffset, commitLogOffset, size, msgId } = message;
          this.acked.set(uid, { uid, topic, queueId, queueOffset, commitLogOffset, size, msgId });
        });
        ackedNow += 1;
        if (options.onAck?.(ackedNow) === true) stop = true;
      }
    };
    await Promise.all(Array.from({ length: options.producers }, producer));
    return { acked: ackedNow, failures };
  }

  /**
   * Checks the store against the ledger (see the module header). `durable`: acknowledged puts
   * must all be there. Returns the uids found by queue, and the acknowledged ones that are gone
   * (allowed only when not `durable`; they leave the ledger).
   */
  async verify(store: MessageStore, durable: boolean): Promise<{ found: Map<string, string[]>; lost: string[] }> {
    const seen = new Set<string>();
    const found = new Map<string, string[]>();
    for (const topic of LEDGER_TOPICS) {
      for (let queueId = 0; queueId < LEDGER_QUEUES; queueId++) {
        found.set(`${topic}/${queueId}`, await this.scanQueue(store, topic, queueId, seen));
      }
    }
    const lost: string[] = [];
    for (const acked of this.acked.values()) {
      if (seen.has(acked.uid)) await this.checkAcked(store, acked);
      else {
        assert.ok(!durable, `acknowledged ${acked.uid} (${acked.topic}/${acked.queueId}@${acked.queueOffset}) is gone`);
        lost.push(acked.uid);
      }
    }
    for (const uid of lost) this.acked.delete(uid);
    return { found, lost };
  }

  /** Where the last acknowledged record ends in the CommitLog (0 when none). */
  get ackedEnd(): number {
    let end = 0;
    for (const acked of this.acked.values()) end = Math.max(end, acked.commitLogOffset + acked.size);
    return end;
  }

  /** Reads a whole queue page by page; every offset must give its record, each record a put. */
  private async scanQueue(store: MessageStore, topic: string, queueId: number, seen: Set<string>): Promise<string[]> {
    const min = store.getMinOffsetInQueue(topic, queueId);
    const max = store.getMaxOffsetInQueue(topic, queueId);
    const uids: string[] = [];
    let previousCommitLogOffset = -1;
    for (let offset = min; offset < max; ) {
      const result = await store.getMessage({ topic, queueId, offset, maxMsgNums: SCAN_PAGE });
      assert.equal(result.status, 'FOUND', `${topic}/${queueId}@${offset} of [${min}, ${max}): ${result.status}`);
      for (const bytes of result.records) {
        const record = this.checkRecord(bytes, topic, queueId, offset);
        assert.ok(record.commitLogOffset > previousCommitLogOffset, `${topic}/${queueId}@${offset}: CommitLog offsets go back`);
        previousCommitLogOffset = record.commitLogOffset;
        const uid = uidOf(record);
        assert.ok(!seen.has(uid), `${uid} is stored twice (again at ${topic}/${queueId}@${offset})`);
        seen.add(uid);
        uids.push(uid);
        offset += 1;
      }
      assert.equal(result.nextBeginOffset, offset, `${topic}/${queueId}: nextBeginOffset`);
    }
    return uids;
  }

  /** A served record: whole, CRC-clean, in its queue at its offset, and exactly a message that was put. */
  checkRecord(bytes: Buffer, topic: string, queueId: number, queueOffset: number): MessageRecord {
    const decoded = decodeRecord(bytes, 0, true);
    assert.equal(decoded.kind, 'MESSAGE', `${topic}/${queueId}@${queueOffset}: served a ${decoded.kind} record`);
    const record = (decoded as { message: MessageRecord }).message;
    assert.equal(record.size, bytes.length, 'a served record is exactly one record');
    assert.deepEqual([record.topic, record.queueId, record.queueOffset], [topic, queueId, queueOffset], 'the entry points at a record of its queue');
    const attempt = this.attempts.get(uidOf(record));
    assert.ok(attempt !== undefined, `${topic}/${queueId}@${queueOffset}: a record nobody put (${record.body.subarray(0, 24).toString()})`);
    const put = attempt.request;
    assert.deepEqual(
      [record.topic, record.queueId, record.flag, record.properties, record.bornTimestamp, record.body.equals(put.body)],
      [put.topic, put.queueId, put.flag, put.properties, put.bornTimestamp, true],
      `${attempt.uid} is not what was put`,
    );
    return record;
  }

  /** An acknowledged message is at the position its put reported, by queue and by CommitLog offset. */
  private async checkAcked(store: MessageStore, acked: Acked): Promise<void> {
    const pulled = await store.getMessage({ topic: acked.topic, queueId: acked.queueId, offset: acked.queueOffset, maxMsgNums: 1 });
    assert.equal(pulled.status, 'FOUND', `${acked.uid} at its queue offset`);
    const record = this.checkRecord(pulled.records[0] as Buffer, acked.topic, acked.queueId, acked.queueOffset);
    assert.equal(uidOf(record), acked.uid, `${acked.topic}/${acked.queueId}@${acked.queueOffset} holds another message`);
    assert.equal(record.commitLogOffset, acked.commitLogOffset, `${acked.uid} moved in the CommitLog`);
    const direct = await store.selectOneMessageByOffset(acked.commitLogOffset);
    assert.ok(direct !== undefined && direct.equals(pulled.records[0] as Buffer), `${acked.uid} by CommitLog offset`);
  }
}

function uidOf(record: MessageRecord): string {
  return findProperty(record.properties, 'KEYS') ?? '?';
}

/** Seeds for a seeded test: SEED=n replays one; STORE_SEEDS=n runs n fresh ones (default `count`). */
export function testSeeds(count: number, env: NodeJS.ProcessEnv = process.env): number[] {
  if (env.SEED !== undefined && env.SEED !== '') {
    const seed = Number(env.SEED);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`SEED=${env.SEED} is not an integer`);
    return [seed];
  }
  const many = Number(env.STORE_SEEDS ?? count);
  const fresh = new SeededRandom(Date.now());
  return Array.from({ length: Number.isSafeInteger(many) && many > 0 ? many : count }, () => fresh.next());
}

/** Runs `body` with a seed; on failure rethrows with the seed (and the faults injected) in the message. */
export async function withSeed(seed: number, describe: () => string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const replay = new Error(`SEED=${seed} (replay: SEED=${seed} npm test)\n${message}\n${describe()}`, { cause: error });
    throw replay;
  }
}
