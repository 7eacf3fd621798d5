/**
 * commit-log.ts: the CommitLog: every message of every topic, as RocketMQ V1 records
 * (message/record.ts) in segment files of mappedFileSizeCommitLog bytes named by their start
 * offset (file/segmented-file.ts).
 *
 * An append is synchronous and in memory: it takes the CommitLog offset and each message's queue
 * offset, stamps the store time, and encodes the records into the active staging buffer; the
 * group writer (group-writer.ts) writes them and answers the put. So offsets are assigned in
 * CommitLog order without locks, and a batch is one contiguous run of records.
 *
 * Invariants: a record never spans segments: when a record (or batch) plus an 8-byte blank does
 * not fit what is left of the segment, a blank record (BLANK magic, TOTALSIZE = the rest of the
 * segment) ends the segment and the record starts the next one; so every segment ends in a blank
 * of at least 8 bytes. minOffset <= syncedOffset <= writtenOffset <= maxOffset. Staged bytes are
 * bounded by the group writer's buffers; a put that does not fit answers OS_PAGE_CACHE_BUSY.
 * Must not: touch ConsumeQueues (the writer hands dispatches to whoever owns them).
 */
import { BLANK_RECORD_BYTES_MIN, encodeBlankRecord, encodeRecord, type RecordInput } from '../../message/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { FilePool } from '../file/file-pool.js';
import { SegmentedFile } from '../file/segmented-file.js';
import type { AppendedMessage, PutMessageRequest, PutMessageResult } from '../message-store.js';
import type { QueueOffsetTable } from '../queue-offset-table.js';
import { CommitLogFlushService } from './flush-service.js';
import { GroupWriter, type FlushDiskType } from './group-writer.js';
import { checkPuts, type CheckedPut } from './put-check.js';
import { RecordReader, type ReadSpan } from './record-reader.js';
import { StagedMessage, type DispatchRequest, type PendingPut } from './staging.js';

const EMPTY = Buffer.alloc(0);

function emptyInput(storeHost: Buffer): { -readonly [K in keyof RecordInput]: RecordInput[K] } {
  return {
    topic: '',
    queueId: 0,
    flag: 0,
    body: EMPTY,
    properties: '',
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: storeHost,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    queueOffset: 0,
    commitLogOffset: 0,
    storeTimestamp: 0,
    storeHost,
  };
}

export interface CommitLogOptions {
  readonly pool: FilePool;
  readonly dir: string;
  readonly segmentBytes: number;
  readonly writeBufferBytes: number;
  readonly maxMessageSize: number;
  readonly flushDiskType: FlushDiskType;
  readonly syncFlushTimeoutMs: number;
  readonly flush: { readonly intervalMs: number; readonly leastPages: number; readonly thoroughIntervalMs: number };
  /** IP + port written as STOREHOST into every record: 8 bytes (IPv4) or 20 (IPv6). */
  readonly storeHost: Buffer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly queueOffsets: QueueOffsetTable;
  /** Dispatches a written group (ConsumeQueues, listeners); may wait to push back. */
  readonly onWritten: (dispatches: readonly DispatchRequest[]) => Promise<void>;
}

export class CommitLog {
  readonly file: SegmentedFile;
  readonly writer: GroupWriter;
  private readonly reader: RecordReader;
  private readonly flushService: CommitLogFlushService | undefined;
  private min = 0;
  private max = 0;
  private accepting = false;
  /** The encoder's input, refilled for each staged record. */
  private readonly scratch: { -readonly [K in keyof RecordInput]: RecordInput[K] };

  constructor(private readonly options: CommitLogOptions) {
    this.file = new SegmentedFile(options.pool, options.dir, options.segmentBytes);
    this.writer = new GroupWriter({
      file: this.file,
      bufferBytes: options.writeBufferBytes,
      flushDiskType: options.flushDiskType,
      syncFlushTimeoutMs: options.syncFlushTimeoutMs,
      logger: options.logger,
      onWritten: options.onWritten,
      onRollback: (end, dropped) => this.rollBack(end, dropped),
    });
    this.reader = new RecordReader(this);
    this.scratch = emptyInput(options.storeHost);
    this.flushService =
      options.flushDiskType === 'ASYNC_FLUSH' ? new CommitLogFlushService(this.writer, options.clock, options.flush) : undefined;
  }

  get segmentBytes(): number {
    return this.options.segmentBytes;
  }

  /** The first CommitLog offset still stored. */
  get minOffset(): number {
    return this.min;
  }

  /** The next CommitLog offset to be assigned (staged records included). */
  get maxOffset(): number {
    return this.max;
  }

  /** Retention: the first segment's start when it may be dropped (wholly below the one being written). */
  get firstDroppableSegment(): number | undefined {
    const starts = this.file.segmentStarts;
    const first = starts[0];
    if (first === undefined || starts.length < 2) return undefined;
    return first + this.segmentBytes <= this.file.segmentStart(this.writer.writtenOffset) ? first : undefined;
  }

  /** Retention: drops the first segment; reads below the new minOffset find nothing. Returns its path for removal. */
  dropFirstSegment(): string | undefined {
    const first = this.firstDroppableSegment;
    if (first === undefined) return undefined;
    this.file.dropFirst();
    this.min = Math.max(this.min, first + this.segmentBytes);
    return this.file.pathOf(first);
  }

  /**
   * Opens for appends at `end` (recovery found every byte below it valid and on disk).
   * `lastStoreTimestamp` is the store time of the record that ends there.
   */
  async open(end: number, lastStoreTimestamp: number): Promise<void> {
    // The segment `end` falls in gets its file now, so a checkpoint at `end` never points past the files.
    await this.file.ensureFile(end);
    await this.file.sync(end, end);
    this.min = Math.min(this.file.firstStart, end);
    this.max = end;
    this.writer.reset(end, lastStoreTimestamp);
    this.reader.chunks.clear();
    this.accepting = true;
    this.flushService?.start();
  }

  /** Refuses new puts, writes what is staged and fdatasyncs it. */
  async close(): Promise<void> {
    this.accepting = false;
    this.flushService?.stop();
    await this.writer.drain();
    if (this.writer.failure === undefined) await this.writer.syncWritten();
  }

  /** Stores `requests` as consecutive records; see MessageStore.putMessages. */
  append(requests: readonly PutMessageRequest[]): Promise<PutMessageResult> {
    if (!this.accepting) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', reason: 'store is not running' });
    const failure = this.writer.failureReason;
    if (failure !== undefined) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', reason: failure });
    const checked = checkPuts(requests, this.options.storeHost, this.options.maxMessageSize);
    if (!Array.isArray(checked)) return Promise.resolve(checked);
    let total = 0;
    for (const put of checked) total += put.size;
    const segmentBytes = this.options.segmentBytes;
    if (total + BLANK_RECORD_BYTES_MIN > segmentBytes || total + BLANK_RECORD_BYTES_MIN > this.options.writeBufferBytes) {
      return Promise.resolve({ status: 'MESSAGE_ILLEGAL', reason: `batch of ${total} bytes cannot fit a segment or the write buffer` });
    }
    const left = segmentBytes - (this.max % segmentBytes);
    const roll = total + BLANK_RECORD_BYTES_MIN > left;
    const staged = total + (roll ? BLANK_RECORD_BYTES_MIN : 0);
    if (staged > this.writer.active.free) {
      return Promise.resolve({ status: 'OS_PAGE_CACHE_BUSY', reason: 'CommitLog write buffers are full; the disk is behind' });
    }
    if (roll) this.stageBlank(left);
    const messages = this.stageRecords(checked);
    return new Promise<PutMessageResult>((resolve, reject) => {
      const put: PendingPut = { result: { status: 'PUT_OK', messages }, resolve, reject, settled: false };
      this.writer.active.puts.push(put);
      this.writer.schedule();
    });
  }

  /** The record at `offset`, whole, or undefined when no record starts there. */
  readRecord(offset: number): Promise<Buffer | undefined> {
    return this.reader.readRecord(offset);
  }

  /** The records of `spans` (from ConsumeQueue entries), read with as few reads as possible. */
  readRecords(spans: readonly ReadSpan[]): Promise<(Buffer | undefined)[]> {
    return this.reader.readRecords(spans);
  }

  /** The STORETIMESTAMP of the record at `offset`, or undefined when no record starts there. */
  readStoreTimestamp(offset: number): Promise<number | undefined> {
    return this.reader.readStoreTimestamp(offset);
  }

  /** The writer dropped staged records (disk full): the log ends at `end` again and their queue offsets are free. */
  private rollBack(end: number, dropped: readonly DispatchRequest[]): void {
    this.max = end;
    for (const { topic, queueId, queueOffset } of dropped) {
      if (this.options.queueOffsets.get(topic, queueId) > queueOffset) this.options.queueOffsets.set(topic, queueId, queueOffset);
    }
  }

  private stageBlank(left: number): void {
    const active = this.writer.active;
    const at = active.reserve(this.max, BLANK_RECORD_BYTES_MIN, this.options.segmentBytes);
    encodeBlankRecord(left, active.bytes, at);
    this.max += left;
    active.endOffset = this.max;
  }

  private stageRecords(checked: readonly CheckedPut[]): AppendedMessage[] {
    const { storeHost, segmentBytes } = this.options;
    const active = this.writer.active;
    const storeTimestamp = this.options.clock.now();
    const messages: AppendedMessage[] = [];
    for (const measure of checked) {
      const { request, sysFlag, properties } = measure;
      const commitLogOffset = this.max;
      const queueOffset = this.options.queueOffsets.take(request.topic, request.queueId);
      const at = active.reserve(commitLogOffset, measure.size, segmentBytes);
      // One reused object, not a literal per message: this runs once per message.
      const input = this.scratch;
      input.topic = request.topic;
      input.queueId = request.queueId;
      input.flag = request.flag;
      input.body = request.body;
      input.properties = properties;
      input.sysFlag = sysFlag;
      input.bornTimestamp = request.bornTimestamp;
      input.bornHost = request.bornHost;
      input.reconsumeTimes = request.reconsumeTimes;
      input.preparedTransactionOffset = request.preparedTransactionOffset;
      input.queueOffset = queueOffset;
      input.commitLogOffset = commitLogOffset;
      input.storeTimestamp = storeTimestamp;
      encodeRecord(input, measure, active.bytes, at);
      input.body = EMPTY;
      this.max += measure.size;
      const staged = new StagedMessage(storeHost, request.topic, request.queueId, commitLogOffset, measure.size, queueOffset, storeTimestamp, request.tagsCode, properties, sysFlag);
      active.dispatches.push(staged);
      messages.push(staged);
    }
    active.endOffset = this.max;
    active.lastStoreTimestamp = storeTimestamp;
    return messages;
  }
}
