/**
 * coalesced-writer.ts: keeps a small state file in step with memory (the name server's
 * kvConfig.json and namesrv.properties). Writes never overlap: while one is under way, every later
 * change waits for one more write, queued behind it, which takes its snapshot when it starts; so
 * the last change always reaches the disk and a burst of changes costs at most two writes.
 * Each write is atomic (writeFileAtomically).
 */
import { writeFileAtomically } from './atomic-file.js';

export class CoalescedFileWriter {
  /** The write under way, if any. */
  private writing: Promise<void> | undefined;
  /** The one write queued behind it, which every change made meanwhile waits for. */
  private queued: Promise<void> | undefined;

  /** `snapshot` gives the file's path and text as memory holds them when a write starts. */
  constructor(
    private readonly snapshot: () => { readonly path: string; readonly text: string },
    private readonly keepBackup = false,
  ) {}

  /** Resolves once the state as it is now (or later) is on disk; rejects if that write fails. */
  write(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.writing === undefined) return this.startWrite();
    this.queued = this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.startWrite();
      });
    return this.queued;
  }

  /** Waits for every write asked for so far. Never rejects (failures went to their callers). */
  async flush(): Promise<void> {
    await (this.queued ?? this.writing)?.catch(() => undefined);
  }

  private startWrite(): Promise<void> {
    const { path, text } = this.snapshot();
    const write = writeFileAtomically(path, text, this.keepBackup).finally(() => {
      if (this.writing === write) this.writing = undefined;
    });
    this.writing = write;
    return write;
  }
}
