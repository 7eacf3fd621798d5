/**
 * staging.ts: a fixed-size buffer where appended CommitLog records wait for the group writer,
 * with what must happen once they are written: the ConsumeQueue dispatches and the put promises.
 * The group writer keeps three: one accumulates while up to two are being written.
 *
 * The staged bytes are contiguous in the buffer but not always in the CommitLog: a blank record
 * stages only its 8-byte header although it covers the rest of its segment, and the next record
 * starts the next segment. So the buffer is described as runs: (CommitLog position, buffer
 * offset, length), each inside one segment.
 *
 * Invariants: runs ascend in CommitLog position and do not overlap; `used` never passes the
 * buffer's size; the buffer is reused only after reset(). Must not: do I/O.
 */
import { createOffsetMessageId } from '../../message/index.js';
import type { AppendedMessage, PutMessageResult } from '../message-store.js';
import type { CqDispatch } from '../consumequeue/consume-queue-store.js';

export interface StagedRun {
  /** CommitLog offset of the run's first byte. */
  readonly position: number;
  /** Offset of the run's first byte in the staging buffer. */
  readonly at: number;
  length: number;
}

/** A stored message as the dispatcher and the arrival listeners see it. */
export interface DispatchRequest extends CqDispatch {
  readonly storeTimestamp: number;
}

/**
 * A staged message: where it went (the put's answer) and what its dispatch needs (ConsumeQueue
 * entry, index, arrival listeners), one object for both since this is made once per message.
 * The offset message id is formatted when first read: the broker reads it once per send answer,
 * and code that never does (batch internals, the store benchmark) does not pay for a hex string
 * per message.
 */
export class StagedMessage implements AppendedMessage, DispatchRequest {
  private id: string | undefined;

  constructor(
    private readonly storeHost: Buffer,
    readonly topic: string,
    readonly queueId: number,
    readonly commitLogOffset: number,
    readonly size: number,
    readonly queueOffset: number,
    readonly storeTimestamp: number,
    readonly tagsCode: number,
    readonly properties: string,
    readonly sysFlag: number,
  ) {}

  get msgId(): string {
    this.id ??= createOffsetMessageId(this.storeHost, this.commitLogOffset);
    return this.id;
  }

  /** A plain object of the put's answer, as callers that spread or serialize the result expect. */
  toJSON(): AppendedMessage {
    const { commitLogOffset, size, queueOffset, storeTimestamp, msgId } = this;
    return { commitLogOffset, size, queueOffset, storeTimestamp, msgId };
  }
}

/** A putMessage/putMessages call waiting for its records to be written (and synced). */
export interface PendingPut {
  readonly result: PutMessageResult & { readonly status: 'PUT_OK' };
  readonly resolve: (result: PutMessageResult) => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
}

export class StagingBuffer {
  readonly bytes: Buffer;
  used = 0;
  readonly runs: StagedRun[] = [];
  readonly dispatches: DispatchRequest[] = [];
  readonly puts: PendingPut[] = [];
  /** CommitLog offset just past the last staged byte (a blank record counts whole). */
  endOffset = 0;
  /** Store time of the last staged record (the checkpoint's physicMsgTimestamp once synced). */
  lastStoreTimestamp = 0;

  constructor(sizeBytes: number) {
    this.bytes = Buffer.allocUnsafe(sizeBytes);
  }

  get free(): number {
    return this.bytes.length - this.used;
  }

  get isEmpty(): boolean {
    return this.runs.length === 0;
  }

  /** Reserves `length` bytes for CommitLog offset `position`; returns where to write them. */
  reserve(position: number, length: number, segmentBytes: number): number {
    if (length > this.free) throw new RangeError(`staging: ${length} bytes do not fit ${this.free}`);
    const at = this.used;
    const last = this.runs.at(-1);
    const sameSegment = last !== undefined && Math.floor(last.position / segmentBytes) === Math.floor(position / segmentBytes);
    if (last !== undefined && sameSegment && last.position + last.length === position) last.length += length;
    else this.runs.push({ position, at, length });
    this.used += length;
    return at;
  }

  /** The staged bytes from `offset` to the end of its run, or undefined if not staged here. */
  find(offset: number): Buffer | undefined {
    for (const run of this.runs) {
      if (offset >= run.position && offset < run.position + run.length) {
        const from = run.at + (offset - run.position);
        return this.bytes.subarray(from, run.at + run.length);
      }
    }
    return undefined;
  }

  reset(): void {
    this.used = 0;
    this.runs.length = 0;
    this.dispatches.length = 0;
    this.puts.length = 0;
  }
}
