import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MQClientError } from '../errors.js';
import { MessageQueue } from '../message.js';
import {
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  AllocateMessageQueueByConfig,
  AllocateMessageQueueConsistentHash,
  md5Hash,
  type AllocateMessageQueueStrategy,
} from './allocate.js';

function queues(count: number, brokers: readonly string[] = ['broker-a']): MessageQueue[] {
  return brokers.flatMap((broker) => Array.from({ length: count }, (_, id) => new MessageQueue('T', broker, id)));
}

const label = (queue: MessageQueue): string => (queue.brokerName === 'broker-a' ? `${queue.queueId}` : `${queue.brokerName.slice(-1)}${queue.queueId}`);

interface Case {
  readonly name: string;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly mqAll: MessageQueue[];
  readonly cidAll: string[];
  /** What each client gets, in cidAll order: Java's answer for these inputs. */
  readonly expected: string[][];
}

const ids3 = ['10.0.0.1@1', '10.0.0.1@2', '10.0.0.1@3'];

// Expected splits are what the Java strategies give: the averagely ones worked by hand from
// AllocateMessageQueueAveragely(ByCircle).java, the consistent-hash ones computed with an
// independent MD5 ring (first four digest bytes, TreeMap ceiling with wrap-around).
const cases: Case[] = [
  { name: 'AVG 8 queues, 1 client', strategy: new AllocateMessageQueueAveragely(), mqAll: queues(8), cidAll: ['c1'], expected: [['0', '1', '2', '3', '4', '5', '6', '7']] },
  { name: 'AVG 8 queues, 2 clients', strategy: new AllocateMessageQueueAveragely(), mqAll: queues(8), cidAll: ['c1', 'c2'], expected: [['0', '1', '2', '3'], ['4', '5', '6', '7']] },
  { name: 'AVG 8 queues, 3 clients', strategy: new AllocateMessageQueueAveragely(), mqAll: queues(8), cidAll: ids3, expected: [['0', '1', '2'], ['3', '4', '5'], ['6', '7']] },
  { name: 'AVG 5 queues, 3 clients', strategy: new AllocateMessageQueueAveragely(), mqAll: queues(5), cidAll: ids3, expected: [['0', '1'], ['2', '3'], ['4']] },
  { name: 'AVG 2 queues, 3 clients', strategy: new AllocateMessageQueueAveragely(), mqAll: queues(2), cidAll: ids3, expected: [['0'], ['1'], []] },
  { name: 'AVG_BY_CIRCLE 8 queues, 3 clients', strategy: new AllocateMessageQueueAveragelyByCircle(), mqAll: queues(8), cidAll: ids3, expected: [['0', '3', '6'], ['1', '4', '7'], ['2', '5']] },
  { name: 'AVG_BY_CIRCLE 2 queues, 3 clients', strategy: new AllocateMessageQueueAveragelyByCircle(), mqAll: queues(2), cidAll: ids3, expected: [['0'], ['1'], []] },
  { name: 'CONSISTENT_HASH 8 queues, 3 clients', strategy: new AllocateMessageQueueConsistentHash(), mqAll: queues(8), cidAll: ids3, expected: [['0', '4', '7'], ['3', '5'], ['1', '2', '6']] },
  {
    name: 'CONSISTENT_HASH two brokers, 2 clients',
    strategy: new AllocateMessageQueueConsistentHash(),
    mqAll: queues(4, ['broker-a', 'broker-b']),
    cidAll: ['c1', 'c2'],
    expected: [['0', '3', 'b0', 'b1', 'b3'], ['1', '2', 'b2']],
  },
  {
    name: 'CONSISTENT_HASH 3 virtual nodes',
    strategy: new AllocateMessageQueueConsistentHash(3),
    mqAll: queues(4, ['broker-a', 'broker-b']),
    cidAll: ['c1', 'c2'],
    expected: [['0', '1', '3', 'b0', 'b1', 'b2', 'b3'], ['2']],
  },
  { name: 'CONFIG', strategy: new AllocateMessageQueueByConfig([{ topic: 'T', brokerName: 'broker-a', queueId: 5 }]), mqAll: queues(8), cidAll: ['c1', 'c2'], expected: [['5'], ['5']] },
];

test('allocate - every strategy splits like Java for the same inputs', () => {
  for (const { name, strategy, mqAll, cidAll, expected } of cases) {
    const got = cidAll.map((cid) => strategy.allocate('G', cid, mqAll, cidAll).map(label));
    assert.deepEqual(got, expected, name);
  }
});

test('allocate - the sharing strategies give every queue to exactly one client', () => {
  const strategies = [new AllocateMessageQueueAveragely(), new AllocateMessageQueueAveragelyByCircle(), new AllocateMessageQueueConsistentHash()];
  for (const strategy of strategies) {
    for (const queueCount of [1, 3, 8, 13]) {
      for (const clientCount of [1, 2, 3, 5, 16]) {
        const mqAll = queues(queueCount);
        const cidAll = Array.from({ length: clientCount }, (_, index) => `10.0.0.1@${index}`).sort();
        const owned = cidAll.flatMap((cid) => strategy.allocate('G', cid, mqAll, cidAll));
        assert.deepEqual(owned.map((queue) => queue.key).sort(), mqAll.map((queue) => queue.key).sort(), `${strategy.name} ${queueCount}/${clientCount}`);
      }
    }
  }
});

test('allocate - a client not in the list gets nothing; empty inputs are refused', () => {
  for (const strategy of [new AllocateMessageQueueAveragely(), new AllocateMessageQueueAveragelyByCircle(), new AllocateMessageQueueConsistentHash()]) {
    assert.deepEqual(strategy.allocate('G', 'stranger', queues(4), ['c1', 'c2']), [], strategy.name);
    assert.throws(() => strategy.allocate('G', '', queues(4), ['c1']), MQClientError);
    assert.throws(() => strategy.allocate('G', 'c1', [], ['c1']), /mqAll is null or mqAll empty/);
    assert.throws(() => strategy.allocate('G', 'c1', queues(4), []), /cidAll is null or cidAll empty/);
  }
  assert.throws(() => new AllocateMessageQueueConsistentHash(-1), /illegal virtualNodeCnt/);
  assert.deepEqual(['AVG', 'AVG_BY_CIRCLE', 'CONSISTENT_HASH', 'CONFIG'], [
    new AllocateMessageQueueAveragely().name,
    new AllocateMessageQueueAveragelyByCircle().name,
    new AllocateMessageQueueConsistentHash().name,
    new AllocateMessageQueueByConfig([]).name,
  ]);
});

test('allocate - md5Hash is the first four MD5 bytes, unsigned', () => {
  // MD5("a") = 0cc175b9c0f1b6a8...
  assert.equal(md5Hash('a'), 0x0cc175b9);
  // MD5("abc") = 900150983cd24fb0...: above 2^31, still positive.
  assert.equal(md5Hash('abc'), 0x90015098);
  assert.equal(new MessageQueue('T', 'b', 1).toString(), 'MessageQueue [topic=T, brokerName=b, queueId=1]');
});
