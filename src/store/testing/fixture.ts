/**
 * fixture.ts: test support for the store's tests (only *.test.ts files import it): temp folders,
 * small configs, message requests, and an instrumented file system that counts I/O, can hold
 * writes or fdatasyncs at a gate, and can "crash" (every later operation fails, as if the
 * process died; what was written stays on disk, as after a SIGKILL).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSocketAddress, tagsCode } from '../../message/index.js';
import { testLogger } from '../../log/index.js';
import { ManualClock, type Clock } from '../../time/index.js';
import { storeConfigWith, type StoreConfig } from '../config.js';
import { createMessageStore } from '../default-message-store.js';
import { nodeFileSystem } from '../file/node-file.js';
import type { StoreFile, StoreFileSystem } from '../file/store-file.js';
import type { MessageStore, PutMessageRequest } from '../message-store.js';

export const STORE_HOST = encodeSocketAddress('127.0.0.1', 10911);
export const BORN_HOST = encodeSocketAddress('10.0.0.7', 50123);

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'rocketmq-ts-store-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A store config with tiny files, so tests cross segment boundaries quickly. */
export function smallConfig(root: string, overrides: Partial<StoreConfig> = {}): StoreConfig {
  return storeConfigWith({
    storePathRootDir: root,
    mappedFileSizeCommitLog: 4096,
    mappedFileSizeConsumeQueue: 20 * 64,
    maxMessageSize: 2048,
    commitLogWriteBufferBytes: 64 * 1024,
    maxOpenStoreFiles: 8,
    ...overrides,
  });
}

export function putRequest(topic: string, queueId: number, body: string, tags?: string, bornTimestamp = 0): PutMessageRequest {
  const properties = tags === undefined ? '' : `TAGS\u0001${tags}\u0002`;
  return {
    topic,
    queueId,
    flag: 0,
    body: Buffer.from(body),
    properties,
    sysFlag: 0,
    bornTimestamp,
    bornHost: BORN_HOST,
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(tags),
  };
}

export interface StoreUnderTest<FS extends StoreFileSystem = InstrumentedFileSystem> {
  readonly store: MessageStore;
  readonly fs: FS;
  readonly clock: Clock;
}

export async function startStore(config: StoreConfig, options?: { fs?: InstrumentedFileSystem; clock?: Clock }): Promise<StoreUnderTest>;
export async function startStore<FS extends StoreFileSystem>(config: StoreConfig, options: { fs: FS; clock?: Clock }): Promise<StoreUnderTest<FS>>;
export async function startStore(config: StoreConfig, options: { fs?: StoreFileSystem; clock?: Clock } = {}): Promise<StoreUnderTest<StoreFileSystem>> {
  const fs = options.fs ?? new InstrumentedFileSystem();
  const clock = options.clock ?? new ManualClock(1_700_000_000_000);
  const store = createMessageStore({ config, storeHost: STORE_HOST, clock, logger: testLogger(), fileSystem: fs });
  await store.start();
  return { store, fs, clock };
}

/** Polls `condition` until it holds; fails after `timeoutMs` (a bound, not an assertion on speed). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition never held');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export class CrashedError extends Error {
  override name = 'CrashedError';
}

/** A gate operations wait at until it is opened. */
export class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release: (() => void) | undefined;

  close(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release?.();
    this.release = undefined;
  }

  pass(): Promise<void> {
    return this.opened;
  }
}

export interface IoCounters {
  reads: number;
  readBytes: number;
  writes: number;
  datasyncs: number;
}

/** nodeFileSystem with counters per path prefix, gates and a crash switch. */
export class InstrumentedFileSystem implements StoreFileSystem {
  readonly writeGate = new Gate();
  readonly syncGate = new Gate();
  private readonly counted = new Map<string, IoCounters>();
  private readonly handles = new Set<StoreFile>();
  private crashed = false;

  /** Counters of every file whose path starts with `prefix` (registered before the I/O happens). */
  count(prefix: string): IoCounters {
    let counters = this.counted.get(prefix);
    if (counters === undefined) {
      counters = { reads: 0, readBytes: 0, writes: 0, datasyncs: 0 };
      this.counted.set(prefix, counters);
    }
    return counters;
  }

  /**
   * From now on every operation fails; nothing more reaches the disk; the handles are closed
   * (each once its running operations end), as the OS closes a killed process's files.
   */
  crash(): void {
    this.crashed = true;
    this.writeGate.open();
    this.syncGate.open();
    for (const handle of this.handles) void handle.close().catch(() => undefined);
    this.handles.clear();
  }

  async open(path: string): Promise<StoreFile> {
    this.check();
    const handle = await nodeFileSystem.open(path);
    if (this.crashed) {
      await handle.close();
      this.check();
    }
    this.handles.add(handle);
    return new InstrumentedFile(handle, this);
  }

  /** Forgets a handle being closed; false when crash() closed it already. */
  release(handle: StoreFile): boolean {
    return this.handles.delete(handle);
  }

  list(dir: string): Promise<string[]> {
    this.check();
    return nodeFileSystem.list(dir);
  }

  ensureDir(dir: string): Promise<void> {
    this.check();
    return nodeFileSystem.ensureDir(dir);
  }

  remove(path: string): Promise<void> {
    this.check();
    return nodeFileSystem.remove(path);
  }

  removeTree(dir: string): Promise<void> {
    this.check();
    return nodeFileSystem.removeTree(dir);
  }

  exists(path: string): Promise<boolean> {
    this.check();
    return nodeFileSystem.exists(path);
  }

  syncDir(dir: string): Promise<void> {
    this.check();
    return nodeFileSystem.syncDir(dir);
  }

  check(): void {
    if (this.crashed) throw new CrashedError('crashed');
  }

  countersOf(path: string): IoCounters[] {
    return [...this.counted].filter(([prefix]) => path.startsWith(prefix)).map(([, counters]) => counters);
  }
}

class InstrumentedFile implements StoreFile {
  constructor(
    private readonly inner: StoreFile,
    private readonly fs: InstrumentedFileSystem,
  ) {}

  get path(): string {
    return this.inner.path;
  }

  async readAt(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    this.fs.check();
    const read = await this.inner.readAt(target, targetOffset, length, position);
    for (const counters of this.fs.countersOf(this.path)) {
      counters.reads += 1;
      counters.readBytes += read;
    }
    return read;
  }

  async writeAt(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void> {
    await this.fs.writeGate.pass();
    this.fs.check();
    for (const counters of this.fs.countersOf(this.path)) counters.writes += 1;
    await this.inner.writeAt(source, sourceOffset, length, position);
  }

  async datasync(): Promise<void> {
    await this.fs.syncGate.pass();
    this.fs.check();
    for (const counters of this.fs.countersOf(this.path)) counters.datasyncs += 1;
    await this.inner.datasync();
  }

  async sync(): Promise<void> {
    await this.fs.syncGate.pass();
    this.fs.check();
    await this.inner.sync();
  }

  truncate(length: number): Promise<void> {
    this.fs.check();
    return this.inner.truncate(length);
  }

  size(): Promise<number> {
    this.fs.check();
    return this.inner.size();
  }

  async close(): Promise<void> {
    if (this.fs.release(this.inner)) await this.inner.close();
  }
}
