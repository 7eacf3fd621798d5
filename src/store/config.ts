/**
 * config.ts: the store's configuration, keyed by RocketMQ's MessageStoreConfig names so an existing
 * broker.conf keeps working. Defaults are RocketMQ's. Keys marked "ours" have no RocketMQ twin.
 *
 * Invariants: mappedFileSizeConsumeQueue is a multiple of the 20-byte ConsumeQueue entry;
 * checkStoreConfig() checks how keys relate (a message must fit a segment and a write buffer).
 * This module only describes and checks values; it never reads files, argv or the environment.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, key, type ConfigOf, type KeySpec } from '../config/index.js';
import { parseDeleteWhen } from './retention/delete-when.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
/** Bytes of one ConsumeQueue entry (consumequeue/cq-entry.ts asserts the same number). */
const CQ_UNIT_BYTES = 20;
/** A CommitLog segment always keeps room for an 8-byte blank record at its end. */
const BLANK_TAIL_BYTES = 8;

/** An integer key whose value must be a multiple of `unit`. */
function multipleOf(unit: number, spec: KeySpec<number>): KeySpec<number> {
  return {
    ...spec,
    parse(text) {
      const parsed = spec.parse(text);
      if (parsed.ok && parsed.value % unit !== 0) return { ok: false, problem: `${parsed.value} is not a multiple of ${unit}` };
      return parsed;
    },
  };
}

/** deleteWhen: one or more hours of the day separated by ';' ("04", "04;05"), kept as written. */
function hoursOfDay(defaultValue: string, doc: string): KeySpec<string> {
  return {
    doc,
    default: defaultValue,
    parse(text) {
      const trimmed = text.trim();
      if (parseDeleteWhen(trimmed) === undefined) return { ok: false, problem: `"${text}" is not hours of the day (0-23) separated by ';'` };
      return { ok: true, value: trimmed };
    },
    format: (value) => value,
  };
}

export const StoreConfigSchema = {
  storePathRootDir: key.string(join(homedir(), 'store'), 'Root folder of the store: checkpoint, abort file, and the default commitlog/ and consumequeue/.'),
  storePathCommitLog: key.string('', 'Folder of the CommitLog segments; <storePathRootDir>/commitlog when empty.'),
  storePathConsumeQueue: key.string('', 'Folder of the ConsumeQueues; <storePathRootDir>/consumequeue when empty (ours: RocketMQ derives it).'),
  mappedFileSizeCommitLog: key.int(GiB, 'Bytes of one CommitLog segment file.', { min: 4 * KiB }),
  mappedFileSizeConsumeQueue: multipleOf(
    CQ_UNIT_BYTES,
    key.int(300000 * CQ_UNIT_BYTES, 'Bytes of one ConsumeQueue file; a multiple of the 20-byte entry.', { min: CQ_UNIT_BYTES }),
  ),
  flushDiskType: key.oneOf(['ASYNC_FLUSH', 'SYNC_FLUSH'] as const, 'ASYNC_FLUSH', 'SYNC_FLUSH acknowledges a put after fdatasync; ASYNC_FLUSH once the OS has the bytes.'),
  flushIntervalCommitLog: key.int(500, 'ASYNC_FLUSH: interval between checks for CommitLog bytes to fdatasync, ms.', { min: 1 }),
  flushCommitLogLeastPages: key.int(4, 'ASYNC_FLUSH: fdatasync the CommitLog once this many 4 KiB pages are unsynced.', { min: 0 }),
  flushCommitLogThoroughInterval: key.int(10000, 'ASYNC_FLUSH: fdatasync whatever is unsynced at least this often, ms.', { min: 1 }),
  flushIntervalConsumeQueue: key.int(1000, 'Interval between writes of ConsumeQueue entries and checkpoints, ms.', { min: 1 }),
  flushConsumeQueueLeastPages: key.int(2, 'fdatasync a ConsumeQueue once this many 4 KiB pages are unsynced.', { min: 0 }),
  flushConsumeQueueThoroughInterval: key.int(60000, 'fdatasync every ConsumeQueue with unsynced entries at least this often, ms.', { min: 1 }),
  syncFlushTimeout: key.int(5000, 'SYNC_FLUSH: a put whose fdatasync takes longer is answered FLUSH_DISK_TIMEOUT, ms.', { min: 1 }),
  maxMessageSize: key.int(4 * MiB, 'Largest stored record (header, body, topic and properties), bytes.', { min: 128 }),
  maxFilterMessageSize: key.int(16000, 'A pull scans at most max(this, maxMsgNums * 20) bytes of ConsumeQueue entries.', { min: CQ_UNIT_BYTES }),
  maxTransferBytesOnMessageInMemory: key.int(256 * KiB, 'Most bytes one pull returns (the first record always goes).', { min: 1 }),
  maxTransferCountOnMessageInMemory: key.int(32, 'Most messages one pull returns.', { min: 1 }),
  checkCRCOnRecover: key.boolean(true, 'Check each record\'s BODYCRC while recovering the CommitLog.'),
  commitLogWriteBufferBytes: key.int(16 * MiB, 'Ours: bytes of each of the three CommitLog staging buffers (one fills while two are written); a put that does not fit gets OS_PAGE_CACHE_BUSY.', { min: 4 * KiB }),
  accessMessageInMemoryMaxRatio: key.int(40, 'A message farther than this % of RAM behind the CommitLog end counts as on disk (new groups do not start from it).', { min: 0, max: 100 }),
  maxOpenStoreFiles: key.int(256, 'Ours: most store files held open at once (segments are opened on demand).', { min: 4 }),
  messageIndexEnable: key.boolean(true, 'Index every message\'s KEYS and UNIQ_KEY in IndexFiles (QUERY_MESSAGE).'),
  maxHashSlotNum: key.int(5000000, 'Hash slots of one IndexFile, 4 bytes each (the file being written keeps them in memory).', { min: 1, max: 2 ** 28 }),
  maxIndexNum: key.int(20000000, 'Entries of one IndexFile, 20 bytes each; a new file starts when one is full.', { min: 2 }),
  maxMsgsNumBatch: key.int(64, 'Most messages one QUERY_MESSAGE returns.', { min: 1 }),
  defaultQueryMaxNum: key.int(32, 'maxNum of a QUERY_MESSAGE by unique key (_UNIQUE_KEY_QUERY).', { min: 1 }),
  flushIntervalIndex: key.int(10000, 'Ours: interval between IndexFile flushes (entries, slots, header fdatasync\'ed; a crash re-indexes what came after), ms.', { min: 1 }),
  fileReservedTime: key.int(72, 'Hours a CommitLog file is kept after its last write.', { min: 0 }),
  deleteWhen: hoursOfDay('04', 'Hours of the day (local) when expired CommitLog files are deleted: "04", or "04;05".'),
  diskMaxUsedSpaceRatio: key.int(75, 'Over this % of the disk used, expired CommitLog files are deleted whatever the hour.', { min: 1, max: 100 }),
  diskSpaceWarningLevelRatio: key.int(90, 'Over this % of the disk used (clamped to 35..90) puts are refused as the disk is full.', { min: 1, max: 100 }),
  diskSpaceCleanForciblyRatio: key.int(85, 'Over this % of the disk used (clamped to 30..85) the oldest CommitLog files go even before fileReservedTime.', { min: 1, max: 100 }),
  cleanFileForciblyEnable: key.boolean(true, 'Delete unexpired CommitLog files while the disk is over diskSpaceCleanForciblyRatio.'),
  cleanResourceInterval: key.int(10000, 'Interval between retention rounds (disk check, expired files), ms.', { min: 1 }),
  deleteCommitLogFilesInterval: key.int(100, 'Pause between two CommitLog file deletions in one round, ms.', { min: 0 }),
  deleteConsumeQueueFilesInterval: key.int(100, 'Pause after deleting the files of one ConsumeQueue, ms.', { min: 0 }),
  destroyMapedFileIntervalForcibly: key.int(120000, 'A deleted file still being read after this long is logged and closes when its reader is done, ms.', { min: 0 }),
  redeleteHangedFileInterval: key.int(120000, 'Interval between retries of file deletions that failed, ms.', { min: 0 }),
  deleteFileBatchMax: key.int(10, 'Most CommitLog (and index) files deleted in one round.', { min: 1 }),
} as const;

export type StoreConfig = ConfigOf<typeof StoreConfigSchema>;

/** Old spellings RocketMQ still accepts, mapped to the key we keep. */
export const STORE_CONFIG_ALIASES: Readonly<Record<string, string>> = {
  mapedFileSizeCommitLog: 'mappedFileSizeCommitLog',
  mapedFileSizeConsumeQueue: 'mappedFileSizeConsumeQueue',
};

/** MessageStoreConfig keys we accept but do not act on yet (the loader warns about each). */
export const UNSUPPORTED_STORE_KEYS: ReadonlySet<string> = new Set([
  'transientStorePoolEnable',
  'transientStorePoolSize',
  'fastFailIfNoBufferInStorePool',
  'commitIntervalCommitLog',
  'commitCommitLogLeastPages',
  'commitCommitLogThoroughInterval',
  'flushCommitLogTimed',
  'warmMapedFileEnable',
  'flushLeastPagesWhenWarmMapedFile',
  'maxTransferBytesOnMessageInDisk',
  'maxTransferCountOnMessageInDisk',
  'messageIndexSafe',
  'storePathIndex',
  'enableConsumeQueueExt',
  'mappedFileSizeConsumeQueueExt',
  'osPageCacheBusyTimeOutMills',
  'putMessageTimeout',
  'storeType',
  'writeWithoutMmap',
  'travelCqFileNumWhenGetMessage',
  'duplicationEnable',
  'diskFallRecorded',
  'maxRecoveryCommitlogFiles',
  'enableCompaction',
]);

/** Where each part of the store lives, with the empty-means-default paths resolved. */
export interface StorePaths {
  readonly root: string;
  readonly commitLog: string;
  readonly consumeQueue: string;
  readonly checkpoint: string;
  readonly abort: string;
  readonly index: string;
}

export function storePaths(config: StoreConfig): StorePaths {
  const root = config.storePathRootDir;
  return {
    root,
    commitLog: config.storePathCommitLog === '' ? join(root, 'commitlog') : config.storePathCommitLog,
    consumeQueue: config.storePathConsumeQueue === '' ? join(root, 'consumequeue') : config.storePathConsumeQueue,
    checkpoint: join(root, 'checkpoint'),
    abort: join(root, 'abort'),
    index: join(root, 'index'),
  };
}

/** Checks how keys relate; throws ConfigError listing every problem. */
export function checkStoreConfig(config: StoreConfig): void {
  const problems: string[] = [];
  if (config.mappedFileSizeConsumeQueue % CQ_UNIT_BYTES !== 0) {
    problems.push(`mappedFileSizeConsumeQueue: ${config.mappedFileSizeConsumeQueue} is not a multiple of ${CQ_UNIT_BYTES}`);
  }
  if (config.maxMessageSize + BLANK_TAIL_BYTES > config.mappedFileSizeCommitLog) {
    problems.push(`maxMessageSize: ${config.maxMessageSize} does not fit a CommitLog segment of ${config.mappedFileSizeCommitLog} bytes`);
  }
  if (config.maxMessageSize + BLANK_TAIL_BYTES > config.commitLogWriteBufferBytes) {
    problems.push(`commitLogWriteBufferBytes: ${config.commitLogWriteBufferBytes} cannot hold a message of maxMessageSize ${config.maxMessageSize}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/** The defaults with `overrides` applied (tests, embedding); checked with checkStoreConfig. */
export function storeConfigWith(overrides: Partial<StoreConfig>): StoreConfig {
  const defaults = Object.fromEntries(Object.entries(StoreConfigSchema).map(([name, spec]) => [name, spec.default]));
  const config = Object.freeze({ ...defaults, ...overrides }) as StoreConfig;
  checkStoreConfig(config);
  return config;
}
