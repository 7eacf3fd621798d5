/**
 * file-pool.ts: the store's open file handles, opened on demand and kept in an LRU, so a store
 * with thousands of segments and ConsumeQueue files holds at most `maxOpen` descriptors.
 *
 * Invariants: a handle is closed only when no operation is using it (its reference count is 0);
 * two users of one path share one handle, even while it is being opened. When every handle is in
 * use the pool may briefly hold more than `maxOpen`, and trims itself as operations finish.
 * Must not: keep a handle to a file it was told to forget (before a removal or truncation).
 */
import type { StoreFile, StoreFileSystem } from './store-file.js';

interface Entry {
  readonly opening: Promise<StoreFile>;
  file: StoreFile | undefined;
  users: number;
  /** Called when `users` drops to 0 (someone waits to close the handle). */
  onIdle: (() => void) | undefined;
}

export class FilePool {
  /** Map order is the LRU order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readonly fs: StoreFileSystem,
    private readonly maxOpen: number,
    /** Told about a failed close of an evicted handle, which has no caller to throw to. */
    private readonly onCloseError: (path: string, error: unknown) => void,
  ) {
    if (!Number.isInteger(maxOpen) || maxOpen < 1) throw new RangeError(`maxOpen ${maxOpen}`);
  }

  /** Open handles, including those being opened. */
  get size(): number {
    return this.entries.size;
  }

  /** Runs `use` with the file at `path` (created when missing), keeping it open meanwhile. */
  async use<T>(path: string, use: (file: StoreFile) => Promise<T>): Promise<T> {
    const entry = this.acquire(path);
    try {
      const file = await entry.opening;
      return await use(file);
    } finally {
      entry.users -= 1;
      if (entry.users === 0) entry.onIdle?.();
      this.trim();
    }
  }

  /** Closes the handle of `path` once nobody uses it, and waits for that. */
  async forget(path: string): Promise<void> {
    const entry = this.entries.get(path);
    if (entry === undefined) return;
    this.entries.delete(path);
    await this.closeEntry(entry);
  }

  /** Forgets every handle of a file under `dir` (a folder about to be, or just, removed). */
  async forgetTree(dir: string): Promise<void> {
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    await Promise.all([...this.entries.keys()].filter((path) => path.startsWith(prefix)).map((path) => this.forget(path)));
  }

  /** Closes every handle (shutdown). Waits for the operations still running. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(entries.map((entry) => this.closeEntry(entry)));
    await Promise.all([...this.closing]);
  }

  private acquire(path: string): Entry {
    let entry = this.entries.get(path);
    if (entry === undefined) {
      const created: Entry = { opening: this.fs.open(path), file: undefined, users: 0, onIdle: undefined };
      created.opening.then(
        (file) => {
          created.file = file;
        },
        () => {
          // A failed open must not stay cached; the caller sees the error through `opening`.
          if (this.entries.get(path) === created) this.entries.delete(path);
        },
      );
      entry = created;
    } else {
      this.entries.delete(path);
    }
    this.entries.set(path, entry);
    entry.users += 1;
    return entry;
  }

  private trim(): void {
    if (this.entries.size <= this.maxOpen) return;
    for (const [path, entry] of this.entries) {
      if (this.entries.size <= this.maxOpen) break;
      if (entry.users > 0 || entry.file === undefined) continue;
      this.entries.delete(path);
      const closing = entry.file
        .close()
        .catch((error: unknown) => this.onCloseError(path, error))
        .finally(() => this.closing.delete(closing));
      this.closing.add(closing);
    }
  }

  private async closeEntry(entry: Entry): Promise<void> {
    let file: StoreFile;
    try {
      file = await entry.opening;
    } catch {
      return; // Never opened: nothing to close; the opener already got the error.
    }
    if (entry.users > 0) await new Promise<void>((resolve) => (entry.onIdle = resolve));
    await file.close();
  }
}
