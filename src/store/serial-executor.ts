/**
 * serial-executor.ts: runs async tasks one after another, in the order they were submitted, so
 * the I/O of one owner (a ConsumeQueue, the CommitLog's fdatasyncs) never overlaps itself.
 * A failed task fails only its own caller; the next task still runs.
 */
export class SerialExecutor {
  private tail: Promise<unknown> = Promise.resolve();
  private waiting = 0;

  /** Tasks submitted and not yet finished. */
  get pending(): number {
    return this.waiting;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.waiting += 1;
    const result = this.tail.then(task).finally(() => {
      this.waiting -= 1;
    });
    // The chain only orders tasks; each caller observes its own task's failure through `result`.
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves when every task submitted so far has finished. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
