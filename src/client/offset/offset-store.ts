/**
 * offset-store.ts: where a consumer keeps the next offset to consume of each queue
 * (consumer/store/OffsetStore.java). Clustering groups keep it on the broker
 * (RemoteBrokerOffsetStore), broadcasting clients in a local file (LocalFileOffsetStore); both hold
 * the working values in memory and persist them every persistConsumerOffsetInterval, when a queue
 * is lost and at shutdown.
 *
 * readOffset answers as Java does: an offset >= 0, -1 when the store has none for the queue, -2
 * when the store could not be asked (the caller retries later rather than guessing).
 */
import type { MessageQueue } from '../message.js';

export const ReadOffsetType = {
  READ_FROM_MEMORY: 'READ_FROM_MEMORY',
  READ_FROM_STORE: 'READ_FROM_STORE',
  MEMORY_FIRST_THEN_STORE: 'MEMORY_FIRST_THEN_STORE',
} as const;
export type ReadOffsetType = (typeof ReadOffsetType)[keyof typeof ReadOffsetType];

export const OFFSET_NOT_FOUND = -1;
export const OFFSET_READ_FAILED = -2;

export interface OffsetStore {
  load(): Promise<void>;
  /** Sets the queue's offset in memory; with `increaseOnly` a smaller value is ignored. */
  updateOffset(queue: MessageQueue, offset: number, increaseOnly: boolean): void;
  readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number>;
  /** Persists the offsets of `queues` and forgets the others; `wait` waits for the store's answer. */
  persistAll(queues: readonly MessageQueue[], wait: boolean): Promise<void>;
  persist(queue: MessageQueue): Promise<void>;
  removeOffset(queue: MessageQueue): void;
}

/** The in-memory part both stores share. */
export class OffsetTable {
  readonly entries = new Map<string, { readonly queue: MessageQueue; offset: number }>();

  update(queue: MessageQueue, offset: number, increaseOnly: boolean): void {
    const entry = this.entries.get(queue.key);
    if (entry === undefined) this.entries.set(queue.key, { queue, offset });
    else if (!increaseOnly || offset > entry.offset) entry.offset = offset;
  }

  get(queue: MessageQueue): number | undefined {
    return this.entries.get(queue.key)?.offset;
  }

  remove(queue: MessageQueue): void {
    this.entries.delete(queue.key);
  }
}
