/**
 * file-remover.ts: removes store files that retention dropped (their owner already stopped
 * reading and writing them). The handle is forgotten in the pool, the file unlinked, and the close
 * awaited for at most destroyMapedFileIntervalForcibly: a reader still holding it keeps its handle
 * until it finishes (unlinking an open file is safe on POSIX). A failed unlink is retried every
 * redeleteHangedFileInterval (RocketMQ's reDeleteHangedFile).
 *
 * Invariants: at most HANGED_FILES_MAX paths wait for a retry. Must not: throw to the round.
 */
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { FilePool } from '../file/file-pool.js';

/** Failed removals remembered for a retry. */
const HANGED_FILES_MAX = 1024;

export class FileRemover {
  private readonly hanged = new Set<string>();
  private lastRetry: number;

  constructor(
    private readonly pool: FilePool,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly forciblyMs: number,
    private readonly retryIntervalMs: number,
  ) {
    this.lastRetry = clock.now();
  }

  /** Paths whose removal failed and waits for a retry. */
  get pending(): number {
    return this.hanged.size;
  }

  /** Removes `path`; true when the file is gone. */
  async remove(path: string): Promise<boolean> {
    const closed = this.pool.forget(path);
    let removed = true;
    try {
      await this.pool.fs.remove(path);
      this.hanged.delete(path);
    } catch (error) {
      removed = false;
      this.logger.error({ err: error, path }, 'removing an expired store file failed; retrying later');
      if (this.hanged.size < HANGED_FILES_MAX) this.hanged.add(path);
    }
    await this.awaitClose(closed, path);
    return removed;
  }

  /** Retries the failed removals when redeleteHangedFileInterval has passed. */
  async retryHanged(): Promise<void> {
    const now = this.clock.now();
    if (this.hanged.size === 0 || now - this.lastRetry < this.retryIntervalMs) return;
    this.lastRetry = now;
    for (const path of [...this.hanged]) await this.remove(path);
  }

  private async awaitClose(closed: Promise<void>, path: string): Promise<void> {
    const outcome = closed.then(
      () => 'CLOSED' as const,
      (error: unknown) => {
        // The file is unlinked already; a failed close only leaks a descriptor until exit.
        this.logger.warn({ err: error, path }, 'closing a removed store file failed');
        return 'CLOSED' as const;
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'TIMEOUT'>((resolve) => {
      timer = setTimeout(() => resolve('TIMEOUT'), this.forciblyMs);
      timer.unref();
    });
    const first = await Promise.race([outcome, timedOut]);
    clearTimeout(timer);
    if (first === 'TIMEOUT') this.logger.warn({ path, waitedMs: this.forciblyMs }, 'a removed store file is still being read; it closes when the reader is done');
  }
}
