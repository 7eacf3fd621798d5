/**
 * lite-pull-queues.ts: the state of a LitePullConsumer (AssignedMessageQueue.java and the
 * consumeRequestCache of DefaultLitePullConsumerImpl): per assigned queue its ProcessQueue, the next
 * offset to pull, the offset poll() has handed out up to (what commit() commits) and a pending
 * seek; and the FIFO of pulled batches poll() takes from, with waiters for an empty cache.
 *
 * Invariants: a batch of a dropped ProcessQueue is never handed out; every waiter is resolved
 * exactly once (with a batch, or with undefined at its timeout or at close()).
 */
import type { MessageQueue } from '../message.js';
import { ProcessQueue } from './process-queue.js';
import type { ReceivedMessage } from './received-message.js';

export interface AssignedQueue {
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
  /** Next offset to pull; -1 until known. */
  pullOffset: number;
  /** The offset after the last message poll() returned; -1 until then. */
  consumeOffset: number;
  /** Where the next pull starts after seek(); -1 when there is none. */
  seekOffset: number;
}

export class AssignedQueues {
  private readonly queues = new Map<string, AssignedQueue>();

  get(queue: MessageQueue): AssignedQueue | undefined {
    return this.queues.get(queue.key);
  }

  has(queue: MessageQueue): boolean {
    return this.queues.has(queue.key);
  }

  /** Adds a queue (with the rebalance's ProcessQueue, or a fresh one), or returns the one held. */
  add(queue: MessageQueue, pullOffset = -1, processQueue = new ProcessQueue()): AssignedQueue {
    let entry = this.queues.get(queue.key);
    if (entry === undefined) {
      entry = { queue, processQueue, pullOffset, consumeOffset: -1, seekOffset: -1 };
      this.queues.set(queue.key, entry);
    }
    return entry;
  }

  remove(queue: MessageQueue): AssignedQueue | undefined {
    const entry = this.queues.get(queue.key);
    if (entry === undefined) return undefined;
    entry.processQueue.dropped = true;
    this.queues.delete(queue.key);
    return entry;
  }

  all(): AssignedQueue[] {
    return [...this.queues.values()];
  }
}

export interface ConsumeRequest {
  readonly messages: ReceivedMessage[];
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
}

interface Waiter {
  readonly resolve: (request: ConsumeRequest | undefined) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

export class ConsumeRequestCache {
  private items: ConsumeRequest[] = [];
  private readonly waiters: Waiter[] = [];

  /** Batches waiting for poll(). */
  get size(): number {
    return this.items.length;
  }

  put(request: ConsumeRequest): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.items.push(request);
      return;
    }
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.resolve(request);
  }

  /** The oldest batch of a live queue; waits up to `timeoutMs` for one. */
  take(timeoutMs: number): Promise<ConsumeRequest | undefined> {
    while (this.items.length > 0) {
      const request = this.items.shift();
      if (request !== undefined && !request.processQueue.dropped) return Promise.resolve(request);
    }
    if (timeoutMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          resolve(undefined);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Drops the batches of one queue (seek, queue lost). */
  removeQueue(queue: MessageQueue): void {
    this.items = this.items.filter((request) => request.queue.key !== queue.key);
  }

  /** Resolves every waiter with nothing and drops every batch. */
  close(): void {
    for (const waiter of this.waiters.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
    this.items = [];
  }
}
