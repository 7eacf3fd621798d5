/**
 * default-message-store.ts: the MessageStore: wires the CommitLog, the ConsumeQueues, the
 * IndexFiles, recovery, the checkpoint and retention together, and answers the broker's questions.
 * Owns the store's life cycle: start() recovers and creates the `abort` file; shutdown() writes
 * and syncs everything, writes a final checkpoint and removes `abort`, so the next start knows it
 * was clean.
 *
 * Invariants: records are dispatched (ConsumeQueue entry, index queue, then arrival listeners) in
 * CommitLog order, once written; the index never holds a put back (index/index-service.ts); puts
 * are refused while retention finds the disk full; ConsumeQueue entries waiting to be written stay under
 * CQ_PENDING_ENTRIES_MAX (the group writer waits for a ConsumeQueue flush beyond it, which in
 * turn fills the staging buffers and answers OS_PAGE_CACHE_BUSY). Nothing but start() and
 * shutdown() changes the life cycle. Must not: know about the network or response codes.
 */
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { decodeRecord, type MessageRecord } from '../message/index.js';
import type { Clock } from '../time/index.js';
import type { Logger } from '../log/index.js';
import { CheckpointService, type OffsetMark } from './checkpoint/checkpoint-service.js';
import { readCheckpoint } from './checkpoint/checkpoint.js';
import { CommitLog } from './commitlog/commit-log.js';
import type { DispatchRequest } from './commitlog/staging.js';
import { checkStoreConfig, storePaths, type StoreConfig, type StorePaths } from './config.js';
import { ConsumeQueueStore } from './consumequeue/consume-queue-store.js';
import { CQ_ENTRY_BYTES, decodeCqEntry } from './consumequeue/cq-entry.js';
import { FilePool } from './file/file-pool.js';
import { nodeFileSystem } from './file/node-file.js';
import type { StoreFileSystem } from './file/store-file.js';
import { getMessage } from './get-message.js';
import { IndexService } from './index/index-service.js';
import { queryMessage } from './index/query-message.js';
import type {
  ConsumeQueueEntry,
  GetMessageRequest,
  GetMessageResult,
  MessageArrivedListener,
  MessageStore,
  PutMessageRequest,
  PutMessageResult,
  QueryMessageRequest,
  QueryMessageResult,
} from './message-store.js';
import { offsetByTime, storeTimeAt } from './queue-time.js';
import { QueueOffsetTable } from './queue-offset-table.js';
import { scanCommitLog } from './recovery/commit-log-scanner.js';
import { recover } from './recovery/recover.js';
import { statfsDiskUsage, type DiskUsageProbe } from './retention/disk-usage.js';
import { FileRemover } from './retention/file-remover.js';
import { RetentionService, type RetentionRound } from './retention/retention-service.js';

/** ConsumeQueue entries dispatched but not yet written, over all queues, before puts wait. */
export const CQ_PENDING_ENTRIES_MAX = 1024 * 1024;
const PAGE_BYTES = 4096;
/** Bytes the index reads at a time when it catches up from the CommitLog. */
const INDEX_SCAN_CHUNK_BYTES = 1024 * 1024;

export interface CreateMessageStoreOptions {
  readonly config: StoreConfig;
  /** IP + port written as STOREHOST into every record and into msgIds: 8 bytes (IPv4) or 20 (IPv6). */
  readonly storeHost: Buffer;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the bytes go; node:fs by default (tests pass a fault-injecting one). */
  readonly fileSystem?: StoreFileSystem;
  /** The tag hash recovery gives a re-dispatched record; the TAGS hash by default. */
  readonly tagsCodeOf?: (record: MessageRecord) => number;
  /** How full a folder's disk is (retention); statfs by default (tests inject readings). */
  readonly diskUsage?: DiskUsageProbe;
}

type State = 'NEW' | 'STARTING' | 'RUNNING' | 'STOPPING' | 'STOPPED';

export class DefaultMessageStore implements MessageStore {
  private readonly config: StoreConfig;
  private readonly paths: StorePaths;
  private readonly logger: Logger;
  private readonly pool: FilePool;
  private readonly queueOffsets = new QueueOffsetTable();
  private readonly consumeQueues: ConsumeQueueStore;
  private readonly commitLog: CommitLog;
  private readonly checkpoints: CheckpointService;
  private readonly index: IndexService | undefined;
  private readonly retention: RetentionService;
  private readonly listeners: MessageArrivedListener[] = [];
  private dispatched: OffsetMark = { offset: 0, storeTimestamp: 0 };
  private state: State = 'NEW';

  constructor(private readonly options: CreateMessageStoreOptions) {
    checkStoreConfig(options.config);
    const config = options.config;
    this.config = config;
    this.paths = storePaths(config);
    this.logger = options.logger.child({ component: 'store' });
    this.pool = new FilePool(options.fileSystem ?? nodeFileSystem, config.maxOpenStoreFiles, (path, error) =>
      this.logger.warn({ path, err: error }, 'closing an idle store file failed'),
    );
    this.consumeQueues = new ConsumeQueueStore(
      this.pool,
      this.paths.consumeQueue,
      config.mappedFileSizeConsumeQueue,
      config.flushConsumeQueueLeastPages * PAGE_BYTES,
      this.logger,
    );
    this.commitLog = new CommitLog({
      pool: this.pool,
      dir: this.paths.commitLog,
      segmentBytes: config.mappedFileSizeCommitLog,
      writeBufferBytes: config.commitLogWriteBufferBytes,
      maxMessageSize: config.maxMessageSize,
      flushDiskType: config.flushDiskType,
      syncFlushTimeoutMs: config.syncFlushTimeout,
      flush: {
        intervalMs: config.flushIntervalCommitLog,
        leastPages: config.flushCommitLogLeastPages,
        thoroughIntervalMs: config.flushCommitLogThoroughInterval,
      },
      storeHost: options.storeHost,
      clock: options.clock,
      logger: this.logger,
      queueOffsets: this.queueOffsets,
      onWritten: (dispatches) => this.dispatch(dispatches),
    });
    this.checkpoints = new CheckpointService({
      pool: this.pool,
      path: this.paths.checkpoint,
      consumeQueues: this.consumeQueues,
      clock: options.clock,
      logger: this.logger,
      intervalMs: config.flushIntervalConsumeQueue,
      thoroughIntervalMs: config.flushConsumeQueueThoroughInterval,
      commitLogSynced: () => ({ offset: this.commitLog.writer.syncedOffset, storeTimestamp: this.commitLog.writer.syncedStoreTimestamp }),
      dispatched: () => this.dispatched,
      indexSafe: () => this.index?.safeMark ?? this.dispatched,
    });
    this.index = config.messageIndexEnable ? this.createIndexService() : undefined;
    this.retention = this.createRetentionService();
  }

  private createIndexService(): IndexService {
    const { config, commitLog } = this;
    return new IndexService({
      pool: this.pool,
      dir: this.paths.index,
      geometry: { hashSlotNum: config.maxHashSlotNum, indexNum: config.maxIndexNum },
      maxMsgsNumBatch: config.maxMsgsNumBatch,
      flushIntervalMs: config.flushIntervalIndex,
      clock: this.options.clock,
      logger: this.logger,
      scanCommitLog: async (from, until, onRecord) => {
        const options = { checkCrc: false, chunkBytes: INDEX_SCAN_CHUNK_BYTES, until };
        return (await scanCommitLog(commitLog.file, from, options, onRecord)).end;
      },
      syncCommitLog: () => commitLog.writer.syncWritten(),
      dispatched: () => this.dispatched,
      commitLogMinOffset: () => commitLog.minOffset,
    });
  }

  private createRetentionService(): RetentionService {
    const { config, options } = this;
    const remover = new FileRemover(this.pool, options.clock, this.logger, config.destroyMapedFileIntervalForcibly, config.redeleteHangedFileInterval);
    return new RetentionService({
      config,
      clock: options.clock,
      logger: this.logger,
      remover,
      diskUsage: options.diskUsage ?? statfsDiskUsage,
      commitLogDir: this.paths.commitLog,
      consumeQueueDir: this.paths.consumeQueue,
      commitLog: this.commitLog,
      lastStoreTimestamp: () => this.dispatched.storeTimestamp,
      consumeQueues: () => this.consumeQueues.all(),
      index: this.index,
    });
  }

  get minPhyOffset(): number {
    return this.commitLog.minOffset;
  }

  get maxPhyOffset(): number {
    return this.commitLog.maxOffset;
  }

  async start(): Promise<void> {
    if (this.state !== 'NEW') throw new Error(`store cannot start when ${this.state}`);
    this.state = 'STARTING';
    const fs = this.pool.fs;
    await fs.ensureDir(this.paths.root);
    const checkpoint = await readCheckpoint(this.pool, this.paths.checkpoint);
    const crashed = await fs.exists(this.paths.abort);
    const recovered = await recover({
      commitLog: this.commitLog,
      consumeQueues: this.consumeQueues,
      queueOffsets: this.queueOffsets,
      checkpoint,
      crashed,
      checkCrc: this.config.checkCRCOnRecover,
      logger: this.logger,
      ...(this.options.tagsCodeOf === undefined ? {} : { tagsCodeOf: this.options.tagsCodeOf }),
    });
    await this.commitLog.open(recovered.end, recovered.lastStoreTimestamp);
    this.dispatched = { offset: recovered.end, storeTimestamp: recovered.lastStoreTimestamp };
    await this.consumeQueues.correctMinOffsets(this.commitLog.minOffset);
    await this.index?.load(recovered.end, checkpoint?.indexSafeOffset);
    this.checkpoints.start(this.dispatched);
    await this.checkpoints.round(true);
    await this.pool.use(this.paths.abort, (file) => file.datasync());
    await fs.syncDir(this.paths.root);
    this.index?.start();
    this.retention.start();
    this.state = 'RUNNING';
  }

  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'STOPPING';
    this.checkpoints.stop();
    await this.retention.stop();
    await this.commitLog.close();
    await this.index?.shutdown();
    await this.checkpoints.round(true);
    const clean = this.commitLog.writer.failure === undefined && this.checkpoints.safeOffset === this.commitLog.maxOffset;
    if (clean) {
      await this.pool.forget(this.paths.abort);
      await this.pool.fs.remove(this.paths.abort);
      await this.pool.fs.syncDir(this.paths.root);
    } else {
      this.logger.warn({ safeOffset: this.checkpoints.safeOffset, end: this.commitLog.maxOffset }, 'store did not shut down cleanly; the next start recovers');
    }
    await this.pool.closeAll();
    this.state = 'STOPPED';
  }

  putMessage(request: PutMessageRequest): Promise<PutMessageResult> {
    return this.putMessages([request]);
  }

  putMessages(requests: readonly PutMessageRequest[]): Promise<PutMessageResult> {
    if (this.state !== 'RUNNING') return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', reason: `store is ${this.state}` });
    const diskFull = this.retention.diskFullReason;
    if (diskFull !== undefined) return Promise.resolve({ status: 'SERVICE_NOT_AVAILABLE', reason: diskFull });
    return this.commitLog.append(requests);
  }

  getMessage(request: GetMessageRequest): Promise<GetMessageResult> {
    return getMessage({ consumeQueues: this.consumeQueues, commitLog: this.commitLog, limits: this.config }, request);
  }

  getMaxOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.get(topic, queueId)?.maxOffset ?? 0;
  }

  getMinOffsetInQueue(topic: string, queueId: number): number {
    return this.consumeQueues.get(topic, queueId)?.minOffset ?? 0;
  }

  async getConsumeQueueEntries(topic: string, queueId: number, from: number, count: number): Promise<readonly ConsumeQueueEntry[] | undefined> {
    const queue = this.consumeQueues.get(topic, queueId);
    if (queue === undefined) return undefined;
    const start = Math.max(from, queue.minOffset);
    const bytes = await queue.read(start, Math.max(0, Math.min(count, from + count - start)));
    const entries: ConsumeQueueEntry[] = [];
    for (let at = 0; at + CQ_ENTRY_BYTES <= bytes.length; at += CQ_ENTRY_BYTES) entries.push({ queueOffset: start + at / CQ_ENTRY_BYTES, ...decodeCqEntry(bytes, at) });
    return entries;
  }

  async getEarliestMessageTime(topic: string, queueId: number): Promise<number | undefined> {
    const queue = this.consumeQueues.get(topic, queueId);
    return queue === undefined ? undefined : storeTimeAt(queue, this.commitLog, queue.minOffset);
  }

  async getMessageStoreTimestamp(topic: string, queueId: number, offset: number): Promise<number | undefined> {
    const queue = this.consumeQueues.get(topic, queueId);
    return queue === undefined ? undefined : storeTimeAt(queue, this.commitLog, offset);
  }

  async getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary: 'lower' | 'upper' = 'lower'): Promise<number> {
    const queue = this.consumeQueues.get(topic, queueId);
    return queue === undefined ? 0 : offsetByTime(queue, this.commitLog, timestamp, boundary);
  }

  async checkInDiskByConsumeOffset(topic: string, queueId: number, consumeOffset: number): Promise<boolean> {
    const entry = await this.consumeQueues.get(topic, queueId)?.entryAt(consumeOffset);
    if (entry === undefined) return true;
    const memoryBytes = totalmem() * (this.config.accessMessageInMemoryMaxRatio / 100);
    return this.commitLog.maxOffset - entry.commitLogOffset > memoryBytes;
  }

  async lookMessageByOffset(commitLogOffset: number): Promise<MessageRecord | undefined> {
    const bytes = await this.commitLog.readRecord(commitLogOffset);
    if (bytes === undefined) return undefined;
    const decoded = decodeRecord(bytes, 0);
    return decoded.kind === 'MESSAGE' ? decoded.message : undefined;
  }

  selectOneMessageByOffset(commitLogOffset: number): Promise<Buffer | undefined> {
    return this.commitLog.readRecord(commitLogOffset);
  }

  selectMessagesBySpans(spans: readonly { readonly offset: number; readonly size: number }[]): Promise<(Buffer | undefined)[]> {
    return this.commitLog.readRecords(spans);
  }

  async deleteTopics(topics: ReadonlySet<string>): Promise<void> {
    for (const topic of topics) {
      this.queueOffsets.deleteTopic(topic);
      await this.consumeQueues.deleteTopic(topic);
      this.logger.info({ topic, dir: join(this.paths.consumeQueue, topic) }, 'deleted the ConsumeQueues of a topic');
    }
  }

  consumeQueueTopics(): string[] {
    return [...new Set(Array.from(this.consumeQueues.all(), (queue) => queue.topic))];
  }

  queryMessage(request: QueryMessageRequest): Promise<QueryMessageResult> {
    return queryMessage(this.index, (offset) => this.commitLog.readRecord(offset), request);
  }

  async executeDeleteFilesManually(): Promise<void> {
    if (this.state === 'RUNNING') await this.retention.executeDeleteFilesManually();
  }

  /** One retention round now, as the schedule runs it (tests: with a ManualClock and a disk-usage probe). */
  retentionRound(): Promise<RetentionRound> {
    return this.retention.round();
  }

  /** Store file descriptors open now (the file pool's size): bounded by maxOpenStoreFiles while idle. */
  get openFileCount(): number {
    return this.pool.size;
  }

  /** The index worker's progress and file count (tests). */
  get indexProgress(): { readonly indexedOffset: number; readonly files: number; readonly safeOffset: number } | undefined {
    const index = this.index;
    return index === undefined ? undefined : { indexedOffset: index.indexedOffset, files: index.fileCount, safeOffset: index.safeMark.offset };
  }

  onMessageArrived(listener: MessageArrivedListener): void {
    this.listeners.push(listener);
  }

  /** Called by the group writer once a group is written: ConsumeQueues, index queue, then the listeners. */
  private async dispatch(dispatches: readonly DispatchRequest[]): Promise<void> {
    if (this.consumeQueues.pendingEntries >= CQ_PENDING_ENTRIES_MAX) await this.consumeQueues.flush('NONE');
    for (const request of dispatches) this.consumeQueues.dispatch(request);
    const last = dispatches.at(-1);
    if (last !== undefined) this.dispatched = { offset: last.commitLogOffset + last.size, storeTimestamp: last.storeTimestamp };
    this.index?.dispatch(dispatches);
    for (const request of dispatches) this.notify(request);
  }

  private notify(request: DispatchRequest): void {
    const event = {
      topic: request.topic,
      queueId: request.queueId,
      maxOffset: request.queueOffset + 1,
      tagsCode: request.tagsCode,
      storeTimestamp: request.storeTimestamp,
    };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not stop the writer: the message is stored and indexed already.
        this.logger.error({ err: error, topic: request.topic, queueId: request.queueId }, 'message arrival listener threw');
      }
    }
  }
}

export function createMessageStore(options: CreateMessageStoreOptions): MessageStore {
  return new DefaultMessageStore(options);
}
