/**
 * message-store.ts: what the broker may ask of the store, in the store's own words.
 *
 * The store keeps messages in a CommitLog (segment files of RocketMQ V1 records), one
 * ConsumeQueue per topic and queue (20-byte entries pointing into the CommitLog) and IndexFiles
 * (messages by key); retention deletes old files. It knows nothing of the network: results are
 * unions of store statuses (PUT_OK, OFFSET_TOO_SMALL, ...) that each broker handler maps to a
 * RocketMQ response code. It throws only on I/O failure or a broken invariant.
 */
import type { MessageRecord } from '../message/index.js';

/** A message to store (RocketMQ's MessageExtBrokerInner): everything but the offsets and store time. */
export interface PutMessageRequest {
  readonly topic: string;
  readonly queueId: number;
  readonly flag: number;
  /** Stored bytes, compressed if sysFlag says so. */
  readonly body: Buffer;
  /** Final properties string (UNIQ_KEY, TAGS, KEYS, ... already set by the broker). */
  readonly properties: string;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  /** IP + port as stored in a record: 8 bytes (IPv4) or 20 (IPv6, with the sysFlag bit set). */
  readonly bornHost: Buffer;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  /** ConsumeQueue tag hash (message/tag.ts tagsCode of the TAGS property). */
  readonly tagsCode: number;
}

/** Where a stored message went. `msgId` is the offset message id (store host + CommitLog offset). */
export interface AppendedMessage {
  readonly commitLogOffset: number;
  readonly size: number;
  readonly queueOffset: number;
  readonly storeTimestamp: number;
  readonly msgId: string;
}

/**
 * PUT_OK: stored (written to the OS for ASYNC_FLUSH, fdatasync'ed for SYNC_FLUSH).
 * FLUSH_DISK_TIMEOUT: written, but the SYNC_FLUSH fdatasync did not finish within syncFlushTimeout.
 * The others store nothing.
 */
export type PutMessageResult =
  | { readonly status: 'PUT_OK' | 'FLUSH_DISK_TIMEOUT'; readonly messages: readonly AppendedMessage[] }
  | {
      readonly status:
        | 'MESSAGE_ILLEGAL'
        | 'PROPERTIES_SIZE_EXCEEDED'
        /** Stopped, failed, or the disk is full (the reason says which). */
        | 'SERVICE_NOT_AVAILABLE'
        | 'OS_PAGE_CACHE_BUSY'
        | 'CREATE_MAPPED_FILE_FAILED';
      readonly reason: string;
    };

/** Filters a pull (the broker builds it from the subscription). */
export interface MessageFilter {
  /** Decides on the ConsumeQueue entry's tag hash alone. */
  isMatchedByConsumeQueue(tagsCode: number): boolean;
  /** Decides on the stored record (SQL92 on properties); absent means "matched". */
  isMatchedByCommitLog?(record: MessageRecord): boolean;
}

/**
 * Java's GetMessageStatus. FOUND: `records` holds at least one record.
 * NO_MATCHED_MESSAGE: entries were scanned, none matched; nextBeginOffset moves past them.
 * OFFSET_OVERFLOW_ONE: offset == maxOffset (nothing new yet). OFFSET_OVERFLOW_BADLY: offset > maxOffset.
 * OFFSET_TOO_SMALL: offset < minOffset. NO_MESSAGE_IN_QUEUE: the queue is empty (or unknown).
 * MESSAGE_WAS_REMOVING: the entries point below the CommitLog's minimum offset.
 */
export type GetMessageStatus =
  | 'FOUND'
  | 'NO_MATCHED_MESSAGE'
  | 'MESSAGE_WAS_REMOVING'
  | 'OFFSET_FOUND_NULL'
  | 'OFFSET_OVERFLOW_BADLY'
  | 'OFFSET_OVERFLOW_ONE'
  | 'OFFSET_TOO_SMALL'
  | 'NO_MESSAGE_IN_QUEUE';

export interface GetMessageResult {
  readonly status: GetMessageStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  /** Whole stored records, in queue order; a pull response body is these back to back. */
  readonly records: readonly Buffer[];
  readonly bytes: number;
}

export interface GetMessageRequest {
  readonly topic: string;
  readonly queueId: number;
  readonly offset: number;
  readonly maxMsgNums: number;
  /** Upper bound on the bytes returned (the first record is returned whatever its size). */
  readonly maxBytes?: number;
  readonly filter?: MessageFilter;
}

/** A ConsumeQueue entry: where its record is in the CommitLog and its tag hash. */
export interface ConsumeQueueEntry {
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly size: number;
  readonly tagsCode: number;
}

/** QUERY_MESSAGE: messages by key (a KEYS word or the UNIQ_KEY) stored within a time range. */
export interface QueryMessageRequest {
  readonly topic: string;
  readonly key: string;
  /** Most records wanted; the store caps it at maxMsgsNumBatch. */
  readonly maxNum: number;
  /** Store-time range, ms, both ends included (the index keeps seconds). */
  readonly beginTimestamp: number;
  readonly endTimestamp: number;
}

export interface QueryMessageResult {
  /** Whole stored records of the newest matches, in CommitLog order; a response body is these back to back. */
  readonly records: readonly Buffer[];
  /** Store time and CommitLog offset of the newest indexed entry. */
  readonly indexLastUpdateTimestamp: number;
  readonly indexLastUpdatePhyoffset: number;
}

/** Called after messages become visible to consumers (for long polling). */
export type MessageArrivedListener = (event: {
  readonly topic: string;
  readonly queueId: number;
  /** The queue's max offset after this message (its queueOffset + 1). */
  readonly maxOffset: number;
  readonly tagsCode: number;
  readonly storeTimestamp: number;
}) => void;

export interface MessageStore {
  /** Opens the files and recovers; must finish before any other call. */
  start(): Promise<void>;
  /** Writes and syncs everything, records a clean shutdown and closes the files. */
  shutdown(): Promise<void>;

  putMessage(request: PutMessageRequest): Promise<PutMessageResult>;
  /** Stores a batch as consecutive records with consecutive queue offsets, all or nothing. */
  putMessages(requests: readonly PutMessageRequest[]): Promise<PutMessageResult>;

  getMessage(request: GetMessageRequest): Promise<GetMessageResult>;

  /** The next queue offset to be written (0 for an unknown queue). */
  getMaxOffsetInQueue(topic: string, queueId: number): number;
  /** The smallest queue offset still stored (0 for an unknown queue). */
  getMinOffsetInQueue(topic: string, queueId: number): number;
  /**
   * ConsumeQueue entries [from, from + count) of a queue, clipped to what is stored (QUERY_CONSUME_QUEUE);
   * undefined for an unknown queue.
   */
  getConsumeQueueEntries(topic: string, queueId: number, from: number, count: number): Promise<readonly ConsumeQueueEntry[] | undefined>;
  /** Store time of the first message still in the queue, or undefined when it is empty. */
  getEarliestMessageTime(topic: string, queueId: number): Promise<number | undefined>;
  /** Store time of the message at `offset`, or undefined. */
  getMessageStoreTimestamp(topic: string, queueId: number, offset: number): Promise<number | undefined>;
  /**
   * The queue offset of the first message stored at or after `timestamp` ('lower'), or of the last
   * one stored at or before it ('upper'); clamps to the queue's min/max offset (SEARCH_OFFSET_BY_TIMESTAMP).
   */
  getOffsetInQueueByTime(topic: string, queueId: number, timestamp: number, boundary?: 'lower' | 'upper'): Promise<number>;

  /**
   * True when the message at `consumeOffset` lies farther behind the CommitLog's end than
   * accessMessageInMemoryMaxRatio of the machine's memory (or is gone): RocketMQ then treats it
   * as cold, and a brand-new consumer group does not start there (checkInDiskByConsumeOffset).
   */
  checkInDiskByConsumeOffset(topic: string, queueId: number, consumeOffset: number): Promise<boolean>;

  /** The whole record at a CommitLog offset, or undefined when there is none. */
  lookMessageByOffset(commitLogOffset: number): Promise<MessageRecord | undefined>;
  /** The raw record bytes at a CommitLog offset, or undefined. */
  selectOneMessageByOffset(commitLogOffset: number): Promise<Buffer | undefined>;
  /**
   * The raw records at these CommitLog spans (offset and size, as a ConsumeQueue entry or a timer
   * log record holds them), in the same order, read with few reads (nearby spans together);
   * undefined where no such record is. The bytes may share a buffer: copy what is kept long.
   */
  selectMessagesBySpans(spans: readonly { readonly offset: number; readonly size: number }[]): Promise<(Buffer | undefined)[]>;

  /** Drops the ConsumeQueues of these topics (DELETE_TOPIC_IN_BROKER). CommitLog data ages out. */
  deleteTopics(topics: ReadonlySet<string>): Promise<void>;
  /** Topics that have ConsumeQueues (CLEAN_UNUSED_TOPIC drops those no topic config names). */
  consumeQueueTopics(): string[];

  /**
   * The newest messages of `topic` carrying `key` (KEYS or UNIQ_KEY) within the time range, from
   * the IndexFiles. Entries are indexed shortly after a put, not before it is answered.
   */
  queryMessage(request: QueryMessageRequest): Promise<QueryMessageResult>;

  /**
   * DELETE_EXPIRED_COMMITLOG: expired CommitLog files (fileReservedTime) are deleted now and in the
   * next rounds, whatever deleteWhen says; resolves when this round is done.
   */
  executeDeleteFilesManually(): Promise<void>;

  onMessageArrived(listener: MessageArrivedListener): void;

  /** CommitLog offsets: the first still stored and the next to be written. */
  readonly minPhyOffset: number;
  readonly maxPhyOffset: number;
}
