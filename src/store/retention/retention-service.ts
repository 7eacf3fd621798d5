/**
 * retention-service.ts: what keeps the disk from filling (RocketMQ's CleanCommitLogService and
 * CleanConsumeQueueService). Every cleanResourceInterval ms a round:
 * 1. reads how full the disks of the CommitLog and the ConsumeQueues are. Over
 *    diskSpaceWarningLevelRatio (clamped to 35..90%) the store is full: puts are refused with
 *    SERVICE_NOT_AVAILABLE and `diskFullReason`, until a round reads a lower figure.
 * 2. deletes the oldest CommitLog files when it is time: at a deleteWhen hour, whenever the disk is
 *    over diskMaxUsedSpaceRatio, or for 20 rounds after executeDeleteFilesManually(). A file goes
 *    once fileReservedTime hours have passed since its last write, or at once while the disk is
 *    over diskSpaceCleanForciblyRatio (clamped to 30..85%, with cleanFileForciblyEnable). Oldest
 *    first, stopping at the first file to keep, at most deleteFileBatchMax per round,
 *    deleteCommitLogFilesInterval ms apart. Never the file being written.
 * 3. when the CommitLog's minimum offset moved, deletes the ConsumeQueue files and index files
 *    whose entries all point below it and moves each queue's minOffset up.
 * A file's last write is the store time of the first record of the next file (or of the newest
 * record when that file is still empty): store times come from the Clock, so tests move time.
 *
 * Invariants: rounds run one at a time, in the background, with async I/O only; a round's work is
 * bounded. Must not: block a put, or delete anything at or above the CommitLog's write position.
 */
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { StoreConfig } from '../config.js';
import { SerialExecutor } from '../serial-executor.js';
import { isTimeToDelete, parseDeleteWhen } from './delete-when.js';
import type { DiskUsageProbe } from './disk-usage.js';
import type { FileRemover } from './file-remover.js';

/** Rounds that delete whatever the hour after executeDeleteFilesManually (MAX_MANUAL_DELETE_FILE_TIMES). */
export const MANUAL_DELETE_ROUNDS = 20;
const WARNING_RATIO_BOUNDS = { min: 0.35, max: 0.9 } as const;
const CLEAN_FORCIBLY_RATIO_BOUNDS = { min: 0.3, max: 0.85 } as const;
const HOUR_MS = 60 * 60 * 1000;

export type RetentionConfig = Pick<
  StoreConfig,
  | 'fileReservedTime'
  | 'deleteWhen'
  | 'diskMaxUsedSpaceRatio'
  | 'diskSpaceWarningLevelRatio'
  | 'diskSpaceCleanForciblyRatio'
  | 'cleanFileForciblyEnable'
  | 'cleanResourceInterval'
  | 'deleteCommitLogFilesInterval'
  | 'deleteConsumeQueueFilesInterval'
  | 'deleteFileBatchMax'
>;

/** What retention needs of the CommitLog (commitlog/commit-log.ts). */
export interface RetentionCommitLog {
  readonly minOffset: number;
  readonly segmentBytes: number;
  /** Start of the first segment when it may be dropped (not the one being written). */
  readonly firstDroppableSegment: number | undefined;
  /** Drops that segment from the log; returns its path for removal. */
  dropFirstSegment(): string | undefined;
  readStoreTimestamp(offset: number): Promise<number | undefined>;
}

export interface RetentionOptions {
  readonly config: RetentionConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly remover: FileRemover;
  readonly diskUsage: DiskUsageProbe;
  /** Folders whose disks are watched: the CommitLog's and the ConsumeQueues'. */
  readonly commitLogDir: string;
  readonly consumeQueueDir: string;
  readonly commitLog: RetentionCommitLog;
  /** Store time of the newest record written. */
  readonly lastStoreTimestamp: () => number;
  /** Every ConsumeQueue; deleteBelow drops files wholly below the offset and returns their paths. */
  readonly consumeQueues: () => Iterable<{ deleteBelow(minPhyOffset: number): Promise<string[]> }>;
  readonly index: { dropExpired(minPhyOffset: number, batchMax: number): string[] } | undefined;
}

/** What one round did. */
export interface RetentionRound {
  readonly commitLogFiles: number;
  readonly consumeQueueFiles: number;
  readonly indexFiles: number;
  /** The reason puts are refused, when the disk is full. */
  readonly diskFull: string | undefined;
}

interface DiskReading {
  /** The fuller of the two disks, 0..1 (-1 when neither could be read). */
  readonly ratio: number;
  readonly path: string;
}

export class RetentionService {
  private readonly rounds = new SerialExecutor();
  private readonly hours: readonly number[];
  private timer: NodeJS.Timeout | undefined;
  private manualRounds = 0;
  private lastPhysicalMinOffset = 0;
  private full: string | undefined;

  constructor(private readonly options: RetentionOptions) {
    this.hours = parseDeleteWhen(options.config.deleteWhen) ?? [];
  }

  /** Why puts are refused now (the disk is over diskSpaceWarningLevelRatio), or undefined. */
  get diskFullReason(): string | undefined {
    return this.full;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.config.cleanResourceInterval);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.rounds.idle();
  }

  /** DELETE_EXPIRED_COMMITLOG: the next 20 rounds delete expired files whatever the hour; one runs now. */
  executeDeleteFilesManually(): Promise<RetentionRound> {
    this.manualRounds = MANUAL_DELETE_ROUNDS;
    this.options.logger.info('deleting expired files on request');
    return this.round();
  }

  /** One round (see the top). */
  round(): Promise<RetentionRound> {
    return this.rounds.run(async () => {
      const disk = await this.readDisk();
      const config = this.options.config;
      const over = (percent: number): boolean => disk.ratio > percent / 100;
      const cleanImmediately = config.cleanFileForciblyEnable && disk.ratio > clamp(config.diskSpaceCleanForciblyRatio / 100, CLEAN_FORCIBLY_RATIO_BOUNDS);
      const timeUp = isTimeToDelete(this.hours, this.options.clock.now());
      const manual = this.manualRounds > 0;
      let commitLogFiles = 0;
      if (timeUp || over(config.diskMaxUsedSpaceRatio) || cleanImmediately || manual) {
        if (manual) this.manualRounds -= 1;
        commitLogFiles = await this.deleteCommitLogFiles(cleanImmediately);
        if (commitLogFiles === 0 && over(config.diskMaxUsedSpaceRatio)) {
          this.options.logger.warn({ usedRatio: disk.ratio, path: disk.path }, 'disk space will be full soon, but no CommitLog file could be deleted');
        }
      }
      const { consumeQueueFiles, indexFiles } = await this.deleteBelowCommitLog();
      await this.options.remover.retryHanged();
      return { commitLogFiles, consumeQueueFiles, indexFiles, diskFull: this.full };
    });
  }

  private async tick(): Promise<void> {
    try {
      await this.round();
    } catch (error) {
      // Logged, not thrown: the next round tries again; puts are not affected.
      this.options.logger.error({ err: error }, 'retention round failed');
    }
  }

  /** Reads both disks and sets or clears the disk-full state. */
  private async readDisk(): Promise<DiskReading> {
    const { diskUsage, commitLogDir, consumeQueueDir, config, logger } = this.options;
    const [commitLog, consumeQueue] = await Promise.all([diskUsage(commitLogDir), diskUsage(consumeQueueDir)]);
    const disk = consumeQueue > commitLog ? { ratio: consumeQueue, path: consumeQueueDir } : { ratio: commitLog, path: commitLogDir };
    const warning = clamp(config.diskSpaceWarningLevelRatio / 100, WARNING_RATIO_BOUNDS);
    if (disk.ratio < 0) return disk; // No reading: keep the last decision rather than guess.
    if (disk.ratio > warning) {
      const reason = `the disk is full: ${Math.round(disk.ratio * 100)}% of the disk holding ${disk.path} is used, over diskSpaceWarningLevelRatio ${Math.round(warning * 100)}%`;
      if (this.full === undefined) logger.error({ usedRatio: disk.ratio, path: disk.path }, 'disk full: refusing puts until space is freed');
      this.full = reason;
    } else if (this.full !== undefined) {
      logger.info({ usedRatio: disk.ratio, path: disk.path }, 'disk space OK again: accepting puts');
      this.full = undefined;
    }
    return disk;
  }

  /** Deletes expired (or, cleanImmediately, any) CommitLog files from the oldest; returns how many. */
  private async deleteCommitLogFiles(cleanImmediately: boolean): Promise<number> {
    const { commitLog, config, clock, logger, remover } = this.options;
    const reservedMs = config.fileReservedTime * HOUR_MS;
    let deleted = 0;
    while (deleted < config.deleteFileBatchMax) {
      const start = commitLog.firstDroppableSegment;
      if (start === undefined) break;
      const lastWrite = (await commitLog.readStoreTimestamp(start + commitLog.segmentBytes)) ?? this.options.lastStoreTimestamp();
      if (!cleanImmediately && clock.now() < lastWrite + reservedMs) break;
      if (commitLog.firstDroppableSegment !== start) continue;
      const path = commitLog.dropFirstSegment();
      if (path === undefined) break;
      logger.info({ path, lastWrite, cleanImmediately }, 'deleting an expired CommitLog file');
      await remover.remove(path);
      deleted += 1;
      if (config.deleteCommitLogFilesInterval > 0 && deleted < config.deleteFileBatchMax) await sleep(config.deleteCommitLogFilesInterval);
    }
    return deleted;
  }

  /** ConsumeQueue and index files wholly below the CommitLog's minimum offset. */
  private async deleteBelowCommitLog(): Promise<{ consumeQueueFiles: number; indexFiles: number }> {
    const { commitLog, config, remover, index } = this.options;
    const min = commitLog.minOffset;
    if (min <= this.lastPhysicalMinOffset) return { consumeQueueFiles: 0, indexFiles: 0 };
    this.lastPhysicalMinOffset = min;
    let consumeQueueFiles = 0;
    for (const queue of [...this.options.consumeQueues()]) {
      const paths = await queue.deleteBelow(min);
      for (const path of paths) await remover.remove(path);
      consumeQueueFiles += paths.length;
      if (paths.length > 0 && config.deleteConsumeQueueFilesInterval > 0) await sleep(config.deleteConsumeQueueFilesInterval);
    }
    let indexFiles = 0;
    for (const path of index?.dropExpired(min, config.deleteFileBatchMax) ?? []) {
      await remover.remove(path);
      indexFiles += 1;
    }
    return { consumeQueueFiles, indexFiles };
  }
}

function clamp(value: number, bounds: { readonly min: number; readonly max: number }): number {
  return Math.min(Math.max(value, bounds.min), bounds.max);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
