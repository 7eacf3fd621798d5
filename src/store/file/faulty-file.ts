/**
 * faulty-file.ts: a StoreFileSystem that wraps another (node:fs by default) and injects the
 * faults a disk and a crash can produce, driven by one seed (seeded-random.ts), so a failing run
 * is replayed exactly from its seed. In the spirit of tigerbeetle's testing/storage.zig: the store
 * runs unchanged on top of it, and the tests decide which faults each file kind gets.
 *
 * Faults while running (per operation, by probability, or by switch):
 * - short read: readAt returns a non-empty prefix of what it could read (as pread may);
 * - bit flip on read: one bit of the returned bytes is flipped (the file itself is fine);
 * - EIO on read, on write (a random prefix of the write lands first: a torn write), on fdatasync;
 * - ENOSPC: while `diskFull` is on, writes land a random prefix and fail with ENOSPC, and new
 *   files and folders cannot be created; truncation and removal still work (they free space).
 * Faults at a crash (crash()):
 * - POWER_LOSS: every write since the file's last fdatasync is kept, lost whole (its old bytes
 *   come back, or the file shrinks back) or torn (only a prefix of it stays), and a kept part may
 *   get a flipped bit; files and folders created since their folder's last fsync may vanish (a
 *   suffix of them, in creation order, as a journaling file system loses them).
 * - PROCESS_KILL: what the OS has survives; only writes running at that moment may be torn.
 * After a crash every operation fails with CrashedError and the handles are closed; a new
 * FaultyFileSystem over the same folder is the restarted process.
 * Not modelled: lost removals or truncations (they are durable at once), misdirected writes,
 * faults in another process's files.
 *
 * Which faults each store file kind must survive (DEFAULT_FAULTS; `kindOf` tells kinds apart):
 * | kind          | survives                                                            | why          |
 * |---------------|---------------------------------------------------------------------|--------------|
 * | COMMIT_LOG    | short reads; lost, torn and bit-flipped unsynced writes; lost new   | recovery     |
 * |               | segment files; ENOSPC (rolled back); EIO (refuses puts, no damage)  | checks magic,|
 * |               | Bit flips land only on bytes a V1 record lets recovery check:       | size, CRC,   |
 * |               | TOTALSIZE, MAGICCODE, BODYCRC, PHYSICALOFFSET and the body. The     | PHYSICAL-    |
 * |               | rest of a RocketMQ record (queue id, offsets, times, hosts, topic,  | OFFSET       |
 * |               | properties) has no checksum, so a flip there cannot be detected.    |              |
 * | CONSUME_QUEUE | short reads; lost and torn unsynced writes; lost new files; ENOSPC  | rebuilt from |
 * |               | and EIO on writes (retried by the next flush). No bit flips: a      | the CommitLog|
 * |               | 20-byte entry has no checksum; unsynced entries are dropped anyway. | past the safe|
 * |               |                                                                     | offset       |
 * | CHECKPOINT    | short reads; bit flips on read; lost, torn and flipped unsynced     | CRC of our   |
 * |               | writes (a bad checkpoint means a longer recovery, never lost data)  | fields       |
 * | INDEX, OTHER  | nothing by default (the index is rebuilt from the CommitLog by its  |              |
 * |               | owner's recovery; the abort file is only tested for presence)       |              |
 *
 * Must not: be used outside tests and benchmarks; retry; hide an injected fault (each is logged
 * in `events`, which a failing test prints with the seed).
 */
import { basename, dirname, sep } from 'node:path';
import { decodeRecord } from '../../message/index.js';
import { nodeFileSystem } from './node-file.js';
import { SeededRandom } from './seeded-random.js';
import type { StoreFile, StoreFileSystem } from './store-file.js';

export type StoreFileKind = 'COMMIT_LOG' | 'CONSUME_QUEUE' | 'CHECKPOINT' | 'INDEX' | 'OTHER';

/** Probabilities in [0, 1]: per operation while running, per unsynced write (or per crash for creations) at a crash. */
export interface FaultRates {
  readonly shortRead: number;
  readonly readBitFlip: number;
  readonly readError: number;
  readonly writeError: number;
  readonly crashLoseWrite: number;
  readonly crashTearWrite: number;
  readonly crashBitFlip: number;
  readonly crashLoseCreations: number;
}

const NONE: FaultRates = {
  shortRead: 0,
  readBitFlip: 0,
  readError: 0,
  writeError: 0,
  crashLoseWrite: 0,
  crashTearWrite: 0,
  crashBitFlip: 0,
  crashLoseCreations: 0,
};

export const DEFAULT_FAULTS: Readonly<Record<StoreFileKind, FaultRates>> = {
  COMMIT_LOG: { ...NONE, shortRead: 0.1, crashLoseWrite: 0.3, crashTearWrite: 0.3, crashBitFlip: 0.3, crashLoseCreations: 0.5 },
  CONSUME_QUEUE: { ...NONE, shortRead: 0.1, crashLoseWrite: 0.3, crashTearWrite: 0.3, crashLoseCreations: 0.5 },
  CHECKPOINT: { ...NONE, shortRead: 0.1, readBitFlip: 0.05, crashLoseWrite: 0.3, crashTearWrite: 0.3, crashBitFlip: 0.3 },
  INDEX: NONE,
  OTHER: NONE,
};

export type CrashMode = 'POWER_LOSS' | 'PROCESS_KILL';

export class CrashedError extends Error {
  override name = 'CrashedError';
  readonly code = 'ECRASHED';
}

/** An errno-style error, as node:fs throws them. */
export function ioError(code: 'EIO' | 'ENOSPC', operation: string, path: string): NodeJS.ErrnoException {
  const message = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  return Object.assign(new Error(`${code}: ${message} (injected), ${operation} '${path}'`), { code, syscall: operation, path });
}

/** The kind of a store file from its path: the folder names the store uses. */
export function defaultKindOf(path: string): StoreFileKind {
  const parts = path.split(sep);
  if (parts.includes('commitlog')) return 'COMMIT_LOG';
  if (parts.includes('consumequeue')) return 'CONSUME_QUEUE';
  if (parts.includes('index')) return 'INDEX';
  return basename(path) === 'checkpoint' ? 'CHECKPOINT' : 'OTHER';
}

/**
 * Where a bit flip may land in bytes written at a record boundary of the CommitLog: the fields
 * recovery checks (see the table above). Returns a byte index, or undefined when there is none.
 */
export function commitLogFlipTarget(bytes: Buffer, random: SeededRandom): number | undefined {
  const ranges: [number, number][] = [];
  let at = 0;
  while (at + 8 <= bytes.length) {
    const size = bytes.readInt32BE(at);
    if (size < 8 || at + size > bytes.length) break;
    const decoded = decodeRecord(bytes, at);
    if (decoded.kind === 'BLANK') ranges.push([at, at + 8]);
    else if (decoded.kind === 'MESSAGE') {
      const bodyAt = decoded.message.body.byteOffset - bytes.byteOffset;
      ranges.push([at, at + 12], [at + 28, at + 36], [bodyAt, bodyAt + decoded.message.body.length]);
    } else break;
    at += size;
  }
  const total = ranges.reduce((sum, [from, to]) => sum + (to - from), 0);
  if (total === 0) return undefined;
  let pick = random.int(total);
  for (const [from, to] of ranges) {
    if (pick < to - from) return from + pick;
    pick -= to - from;
  }
  return undefined;
}

export interface FaultyFileSystemOptions {
  readonly seed: number;
  readonly inner?: StoreFileSystem;
  /** Rates per kind, each over DEFAULT_FAULTS of that kind. */
  readonly faults?: Partial<Record<StoreFileKind, Partial<FaultRates>>>;
  readonly kindOf?: (path: string) => StoreFileKind;
}

/** A write the disk may still lose: where, what was there before, and how long the file was. */
interface PendingWrite {
  readonly position: number;
  length: number;
  readonly before: Buffer;
  readonly sizeBefore: number;
  /** Still running when crash() was called (PROCESS_KILL may tear it). */
  running: boolean;
}

interface Creation {
  readonly path: string;
  readonly folder: boolean;
  durable: boolean;
}

export interface CrashReport {
  lostWrites: number;
  tornWrites: number;
  flippedBits: number;
  lostCreations: number;
}

const EVENTS_KEPT = 400;

export class FaultyFileSystem implements StoreFileSystem {
  readonly random: SeededRandom;
  /** While on, writes and creations fail with ENOSPC. */
  diskFull = false;
  /** While set, every write fails with this code (a torn prefix lands first). */
  failWrites: 'EIO' | undefined;
  /** While set, every fdatasync/fsync fails with this code. */
  failSyncs: 'EIO' | undefined;
  /** While set, every read fails with this code. */
  failReads: 'EIO' | undefined;
  /** The faults injected so far (the latest EVENTS_KEPT), for a failing test to print. */
  readonly events: string[] = [];
  private readonly inner: StoreFileSystem;
  private readonly rates: Record<StoreFileKind, FaultRates>;
  private readonly kindOf: (path: string) => StoreFileKind;
  private readonly pending = new Map<string, PendingWrite[]>();
  private readonly creations: Creation[] = [];
  private readonly handles = new Set<StoreFile>();
  private readonly running = new Set<Promise<unknown>>();
  private crashed = false;

  constructor(options: FaultyFileSystemOptions) {
    this.random = new SeededRandom(options.seed);
    this.inner = options.inner ?? nodeFileSystem;
    this.kindOf = options.kindOf ?? defaultKindOf;
    const kinds = Object.keys(DEFAULT_FAULTS) as StoreFileKind[];
    this.rates = Object.fromEntries(kinds.map((kind) => [kind, { ...DEFAULT_FAULTS[kind], ...options.faults?.[kind] }])) as Record<StoreFileKind, FaultRates>;
  }

  get seed(): number {
    return this.random.seed;
  }

  ratesOf(path: string): FaultRates {
    return this.rates[this.kindOf(path)];
  }

  note(event: string): void {
    this.events.push(event);
    if (this.events.length > EVENTS_KEPT) this.events.splice(0, this.events.length - EVENTS_KEPT);
  }

  /** Throws CrashedError once crash() was called: the process is gone. */
  check(): void {
    if (this.crashed) throw new CrashedError('the store crashed (injected)');
  }

  /** Runs an operation, counted so crash() can wait for the ones already running. */
  track<T>(operation: Promise<T>): Promise<T> {
    this.running.add(operation);
    const forget = (): void => void this.running.delete(operation);
    operation.then(forget, forget);
    return operation;
  }

  async open(path: string): Promise<StoreFile> {
    this.check();
    const existed = await this.inner.exists(path);
    if (!existed && this.diskFull) throw ioError('ENOSPC', 'open', path);
    const handle = await this.track(this.inner.open(path));
    if (!existed) this.creations.push({ path, folder: false, durable: false });
    this.handles.add(handle);
    return new FaultyFile(handle, this);
  }

  list(dir: string): Promise<string[]> {
    this.check();
    return this.inner.list(dir);
  }

  async ensureDir(dir: string): Promise<void> {
    this.check();
    const missing: string[] = [];
    for (let current = dir; !(await this.inner.exists(current)); current = dirname(current)) missing.unshift(current);
    if (missing.length > 0 && this.diskFull) throw ioError('ENOSPC', 'mkdir', dir);
    await this.track(this.inner.ensureDir(dir));
    for (const path of missing) this.creations.push({ path, folder: true, durable: false });
  }

  async remove(path: string): Promise<void> {
    this.check();
    await this.track(this.inner.remove(path));
    this.forgetUnder(path, false);
  }

  async removeTree(dir: string): Promise<void> {
    this.check();
    await this.track(this.inner.removeTree(dir));
    this.forgetUnder(dir, true);
  }

  exists(path: string): Promise<boolean> {
    this.check();
    return this.inner.exists(path);
  }

  async syncDir(dir: string): Promise<void> {
    this.check();
    if (this.failSyncs !== undefined) throw ioError(this.failSyncs, 'fsync', dir);
    await this.track(this.inner.syncDir(dir));
    for (const creation of this.creations) if (dirname(creation.path) === dir) creation.durable = true;
  }

  /** Forgets a handle being closed; false when crash() closed it already. */
  release(handle: StoreFile): boolean {
    return this.handles.delete(handle);
  }

  /** Records a write before it runs (with what it overwrites), so a crash can undo it. */
  async recordWrite(file: StoreFile, position: number, length: number): Promise<PendingWrite> {
    const sizeBefore = await file.size();
    const before = Buffer.alloc(Math.max(0, Math.min(length, sizeBefore - position)));
    let got = 0;
    while (got < before.length) {
      const read = await file.readAt(before, got, before.length - got, position + got);
      if (read === 0) break;
      got += read;
    }
    const write: PendingWrite = { position, length, before: before.subarray(0, got), sizeBefore, running: true };
    const list = this.pending.get(file.path) ?? [];
    list.push(write);
    this.pending.set(file.path, list);
    return write;
  }

  /** An fdatasync made the file's writes durable. */
  synced(path: string): void {
    this.pending.delete(path);
  }

  /** A truncation dropped what was written past `length`. */
  truncated(path: string, length: number): void {
    const list = this.pending.get(path);
    if (list === undefined) return;
    const kept = list.filter((write) => write.position < length);
    for (const write of kept) write.length = Math.min(write.length, length - write.position);
    this.pending.set(path, kept);
  }

  /**
   * The process dies now: waits for the operations already running, closes every handle, then
   * (POWER_LOSS) undoes, tears or flips unsynced writes and drops unsynced creations, or
   * (PROCESS_KILL) tears only the writes that were running.
   */
  async crash(mode: CrashMode): Promise<CrashReport> {
    this.crashed = true;
    const runningWrites = new Set([...this.pending.values()].flat().filter((write) => write.running));
    await Promise.allSettled([...this.running]);
    for (const handle of this.handles) await handle.close().catch(() => undefined);
    this.handles.clear();
    const report: CrashReport = { lostWrites: 0, tornWrites: 0, flippedBits: 0, lostCreations: 0 };
    for (const [path, writes] of this.pending) {
      await this.crashFile(path, writes, mode, runningWrites, report);
    }
    this.pending.clear();
    if (mode === 'POWER_LOSS') report.lostCreations = await this.loseCreations();
    this.note(`crash ${mode}: ${JSON.stringify(report)}`);
    return report;
  }

  private forgetUnder(path: string, tree: boolean): void {
    for (const key of [...this.pending.keys()]) if (key === path || (tree && key.startsWith(path + sep))) this.pending.delete(key);
    for (let index = this.creations.length - 1; index >= 0; index--) {
      const creation = this.creations[index] as Creation;
      if (creation.path === path || (tree && creation.path.startsWith(path + sep))) this.creations.splice(index, 1);
    }
  }

  /** Newest first, so each undo restores exactly what the write it undoes found. */
  private async crashFile(path: string, writes: PendingWrite[], mode: CrashMode, runningWrites: Set<PendingWrite>, report: CrashReport): Promise<void> {
    const rates = this.ratesOf(path);
    const file = await this.inner.open(path);
    try {
      const kept: PendingWrite[] = [];
      for (let index = writes.length - 1; index >= 0; index--) {
        const write = writes[index] as PendingWrite;
        const undoFrom = this.undoPoint(write, mode, rates, runningWrites.has(write));
        const overlapsNewer = kept.some((newer) => newer.position < write.position + write.length && write.position < newer.position + newer.length);
        if (undoFrom !== undefined && !overlapsNewer) {
          await undo(file, write, undoFrom);
          if (undoFrom === write.position) report.lostWrites += 1;
          else report.tornWrites += 1;
          this.note(`crash: ${path} write @${write.position}+${write.length} ${undoFrom === write.position ? 'lost' : `torn at ${undoFrom - write.position}`}`);
        }
        const left = undoFrom === undefined || overlapsNewer ? write.length : undoFrom - write.position;
        if (left > 0) kept.push({ ...write, length: left });
        if (left > 0 && mode === 'POWER_LOSS' && this.random.chance(rates.crashBitFlip)) {
          if (await this.flipIn(file, path, write.position, left)) report.flippedBits += 1;
        }
      }
    } finally {
      await file.close();
    }
  }

  /** Where the crash cuts a write (its position = lost whole), or undefined when it stays whole. */
  private undoPoint(write: PendingWrite, mode: CrashMode, rates: FaultRates, wasRunning: boolean): number | undefined {
    if (mode === 'PROCESS_KILL') {
      return wasRunning && write.length > 0 ? write.position + this.random.int(write.length) : undefined;
    }
    if (this.random.chance(rates.crashLoseWrite)) return write.position;
    if (write.length > 1 && this.random.chance(rates.crashTearWrite)) return write.position + 1 + this.random.int(write.length - 1);
    return undefined;
  }

  /** Flips one bit in [position, position + length) of the file, where the kind allows it. */
  async flipIn(file: StoreFile, path: string, position: number, length: number): Promise<boolean> {
    const bytes = Buffer.alloc(length);
    const got = await file.readAt(bytes, 0, length, position);
    const target = this.flipTarget(path, bytes.subarray(0, got));
    if (target === undefined) return false;
    const flipped = Buffer.from([(bytes[target] as number) ^ (1 << this.random.int(8))]);
    await file.writeAt(flipped, 0, 1, position + target);
    this.note(`flip: ${path} byte @${position + target}`);
    return true;
  }

  flipTarget(path: string, bytes: Buffer): number | undefined {
    if (bytes.length === 0) return undefined;
    return this.kindOf(path) === 'COMMIT_LOG' ? commitLogFlipTarget(bytes, this.random) : this.random.int(bytes.length);
  }

  /** Drops a suffix (in creation order) of the files and folders not yet made durable. */
  private async loseCreations(): Promise<number> {
    const fragile = this.creations.filter((creation) => !creation.durable && this.ratesOf(creation.path).crashLoseCreations > 0);
    const first = fragile[0];
    if (first === undefined || !this.random.chance(this.ratesOf(first.path).crashLoseCreations)) return 0;
    const lost = fragile.slice(this.random.int(fragile.length));
    for (const creation of lost.reverse()) {
      if (creation.folder) await this.inner.removeTree(creation.path);
      else await this.inner.remove(creation.path);
      this.note(`crash: lost the creation of ${creation.path}`);
    }
    return lost.length;
  }
}

/** Puts back what `write` overwrote from `from` on, shrinking the file when the write grew it. */
async function undo(file: StoreFile, write: PendingWrite, from: number): Promise<void> {
  const end = write.position + write.length;
  const restoreEnd = Math.min(end, write.position + write.before.length);
  if (from < restoreEnd) await file.writeAt(write.before, from - write.position, restoreEnd - from, from);
  const grownFrom = Math.max(from, write.sizeBefore);
  if (grownFrom >= end) return;
  const size = await file.size();
  if (size <= end) await file.truncate(grownFrom);
  else await file.writeAt(Buffer.alloc(end - grownFrom), 0, end - grownFrom, grownFrom);
}

class FaultyFile implements StoreFile {
  constructor(
    private readonly inner: StoreFile,
    private readonly fs: FaultyFileSystem,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async readAt(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    this.fs.check();
    const rates = this.fs.ratesOf(this.path);
    const random = this.fs.random;
    if (this.fs.failReads !== undefined || random.chance(rates.readError)) {
      this.fs.note(`read error: ${this.path} @${position}+${length}`);
      throw ioError(this.fs.failReads ?? 'EIO', 'read', this.path);
    }
    let read = await this.fs.track(this.inner.readAt(target, targetOffset, length, position));
    if (read > 1 && random.chance(rates.shortRead)) read = 1 + random.int(read - 1);
    if (read > 0 && random.chance(rates.readBitFlip)) {
      const at = this.fs.flipTarget(this.path, target.subarray(targetOffset, targetOffset + read));
      if (at !== undefined) {
        target[targetOffset + at] = (target[targetOffset + at] as number) ^ (1 << random.int(8));
        this.fs.note(`read flip: ${this.path} byte @${position + at}`);
      }
    }
    return read;
  }

  writeAt(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void> {
    this.fs.check();
    return this.fs.track(this.write(source, sourceOffset, length, position));
  }

  private async write(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void> {
    const random = this.fs.random;
    const failure = this.fs.diskFull ? 'ENOSPC' : (this.fs.failWrites ?? (random.chance(this.fs.ratesOf(this.path).writeError) ? 'EIO' : undefined));
    const landing = failure === undefined ? length : random.int(length + 1);
    if (landing > 0) {
      const write = await this.fs.recordWrite(this.inner, position, landing);
      try {
        await this.inner.writeAt(source, sourceOffset, landing, position);
      } finally {
        write.running = false;
      }
    }
    if (failure !== undefined) {
      this.fs.note(`write ${failure}: ${this.path} @${position}+${length}, ${landing} bytes landed`);
      throw ioError(failure, 'write', this.path);
    }
  }

  async datasync(): Promise<void> {
    this.fs.check();
    if (this.fs.failSyncs !== undefined) throw ioError(this.fs.failSyncs, 'fdatasync', this.path);
    await this.fs.track(this.inner.datasync());
    this.fs.synced(this.path);
  }

  async sync(): Promise<void> {
    this.fs.check();
    if (this.fs.failSyncs !== undefined) throw ioError(this.fs.failSyncs, 'fsync', this.path);
    await this.fs.track(this.inner.sync());
    this.fs.synced(this.path);
  }

  async truncate(length: number): Promise<void> {
    this.fs.check();
    await this.fs.track(this.inner.truncate(length));
    this.fs.truncated(this.path, length);
  }

  size(): Promise<number> {
    this.fs.check();
    return this.inner.size();
  }

  async close(): Promise<void> {
    if (!this.fs.release(this.inner)) return; // crash() closed it already
    await this.inner.close();
  }
}
