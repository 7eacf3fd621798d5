/**
 * allocate.ts: how a consumer group splits a topic's queues among its clients
 * (consumer/rebalance/*.java). Every strategy is a pure function of
 * (group, this client's id, all queues, all client ids): every client of the group computes the
 * same split independently, so the inputs must be sorted the same way everywhere (queues by
 * MessageQueue.compare, client ids by UTF-16 order, as RebalanceImpl does) and the results must
 * equal Java's for a mixed Java/TypeScript group to share queues without overlap or gaps.
 *
 * check() is AbstractAllocateMessageQueueStrategy.check: empty inputs are a bug in the caller; a
 * client that is not (yet) in the list gets nothing.
 */
import { createHash } from 'node:crypto';
import { illegalArgument } from '../errors.js';
import { MessageQueue, type MessageQueueLike } from '../message.js';

export interface AllocateMessageQueueStrategy {
  /** Java's getName(): AVG, AVG_BY_CIRCLE, CONSISTENT_HASH, CONFIG. */
  readonly name: string;
  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];
}

function check(currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): boolean {
  if (currentCID.length === 0) throw illegalArgument('currentCID is empty');
  if (mqAll.length === 0) throw illegalArgument('mqAll is null or mqAll empty');
  if (cidAll.length === 0) throw illegalArgument('cidAll is null or cidAll empty');
  return cidAll.includes(currentCID);
}

/** Contiguous blocks; the first (queues % clients) clients get one more (AllocateMessageQueueAveragely). */
export class AllocateMessageQueueAveragely implements AllocateMessageQueueStrategy {
  readonly name = 'AVG';

  allocate(_group: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!check(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const mod = mqAll.length % cidAll.length;
    const base = Math.floor(mqAll.length / cidAll.length);
    const averageSize = mqAll.length <= cidAll.length ? 1 : mod > 0 && index < mod ? base + 1 : base;
    const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, mqAll.length - startIndex);
    return mqAll.slice(startIndex, startIndex + Math.max(0, range));
  }
}

/** Round robin: queue i goes to client i % clients (AllocateMessageQueueAveragelyByCircle). */
export class AllocateMessageQueueAveragelyByCircle implements AllocateMessageQueueStrategy {
  readonly name = 'AVG_BY_CIRCLE';

  allocate(_group: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!check(currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    return mqAll.filter((_queue, position) => position >= index && position % cidAll.length === index);
  }
}

/** A fixed list, whatever the group looks like (AllocateMessageQueueByConfig). */
export class AllocateMessageQueueByConfig implements AllocateMessageQueueStrategy {
  readonly name = 'CONFIG';
  private readonly queues: readonly MessageQueue[];

  constructor(queues: readonly MessageQueueLike[]) {
    this.queues = queues.map((queue) => MessageQueue.from(queue));
  }

  allocate(): MessageQueue[] {
    return [...this.queues];
  }
}

/** A 32-bit hash of a key as an unsigned number (ConsistentHashRouter's HashFunction). */
export type HashFunction = (key: string) => number;

/** ConsistentHashRouter.MD5Hash: the first four bytes of MD5(UTF-8 key), big-endian, unsigned. */
export const md5Hash: HashFunction = (key) => createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);

/**
 * A hash ring of `virtualNodeCnt` points per client ("<cid>-<i>"); each queue (its Java toString())
 * goes to the first point at or after its own hash, wrapping around (AllocateMessageQueueConsistentHash).
 * Two points with the same hash: the later client wins, as in Java's TreeMap.put.
 */
export class AllocateMessageQueueConsistentHash implements AllocateMessageQueueStrategy {
  readonly name = 'CONSISTENT_HASH';

  constructor(
    private readonly virtualNodeCnt = 10,
    private readonly hashFunction: HashFunction = md5Hash,
  ) {
    if (!Number.isInteger(virtualNodeCnt) || virtualNodeCnt < 0) throw illegalArgument(`illegal virtualNodeCnt :${virtualNodeCnt}`);
  }

  allocate(_group: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!check(currentCID, mqAll, cidAll)) return [];
    const points = new Map<number, string>();
    for (const cid of cidAll) {
      for (let replica = 0; replica < this.virtualNodeCnt; replica++) points.set(this.hashFunction(`${cid}-${replica}`), cid);
    }
    if (points.size === 0) return [];
    const ring = [...points.keys()].sort((a, b) => a - b);
    return mqAll.filter((queue) => points.get(ring[ceilingIndex(ring, this.hashFunction(queue.toString()))] ?? 0) === currentCID);
  }
}

/** The index of the first element >= value in a sorted array, 0 when there is none (wrap-around). */
function ceilingIndex(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] ?? 0) < value) low = middle + 1;
    else high = middle;
  }
  return low === sorted.length ? 0 : low;
}
