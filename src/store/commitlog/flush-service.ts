/**
 * flush-service.ts: ASYNC_FLUSH's background fdatasync of the CommitLog (RocketMQ's
 * FlushRealTimeService). Every flushIntervalCommitLog ms it syncs what was written when at least
 * flushCommitLogLeastPages pages are unsynced, or anything unsynced once
 * flushCommitLogThoroughInterval has passed since the last such sync.
 *
 * Invariants: at most one sync in flight from here; a failed sync stops the writer (group-writer.ts).
 * Must not: be started for SYNC_FLUSH (the group writer syncs each group itself).
 */
import type { Clock } from '../../time/index.js';
import type { GroupWriter } from './group-writer.js';

export const OS_PAGE_BYTES = 4096;

export interface FlushServiceOptions {
  readonly intervalMs: number;
  readonly leastPages: number;
  readonly thoroughIntervalMs: number;
}

export class CommitLogFlushService {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private lastThorough: number;

  constructor(
    private readonly writer: GroupWriter,
    private readonly clock: Clock,
    private readonly options: FlushServiceOptions,
  ) {
    this.lastThorough = clock.now();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check; exported for tests that do not want to wait for the timer. */
  async tick(): Promise<void> {
    if (this.busy || this.writer.failure !== undefined) return;
    const unsynced = this.writer.writtenOffset - this.writer.syncedOffset;
    if (unsynced <= 0) return;
    const now = this.clock.now();
    const thorough = now - this.lastThorough >= this.options.thoroughIntervalMs;
    if (!thorough && unsynced < this.options.leastPages * OS_PAGE_BYTES) return;
    this.busy = true;
    try {
      await this.writer.syncWritten();
      if (thorough) this.lastThorough = now;
    } catch (error) {
      this.writer.fail(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.busy = false;
    }
  }
}
