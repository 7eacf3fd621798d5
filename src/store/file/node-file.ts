/**
 * node-file.ts: StoreFile and StoreFileSystem on node:fs (reads and writes) and node:fs/promises. Files are opened O_RDWR|O_CREAT
 * (never O_APPEND, which would make positional writes append on Linux, and never O_TRUNC).
 *
 * Must not: use any synchronous fs call, retry, or swallow an error.
 */
import { constants, read, write } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import type { StoreFile, StoreFileSystem } from './store-file.js';

const FILE_MODE = 0o644;

/**
 * Reads and writes go through node:fs's callback read/write on the handle's descriptor: every
 * pull and every group write is one of these, and the callback binding costs the event loop a
 * fraction of FileHandle.read/write's promise path (which adds its own request object, handle
 * reference counting and an async wrapper per call). The handle stays the owner of the
 * descriptor: close() waits for such calls still in flight before closing it.
 */
/** node:fs read and write: the same positional shape. */
type PositionalIo = (
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
  callback: (error: NodeJS.ErrnoException | null, bytes: number) => void,
) => void;

class NodeFile implements StoreFile {
  private inFlight = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  readAt(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    return this.transfer(read as PositionalIo, target, targetOffset, length, position, true);
  }

  async writeAt(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void> {
    await this.transfer(write as PositionalIo, source, sourceOffset, length, position, false);
  }

  /**
   * Repeats `io` until `length` bytes are moved; a read (`endOk`) also stops at the end of the
   * file (0 bytes), a write that moves nothing fails. Resolves with the bytes moved. A call
   * refused at once (a bad range, a closed descriptor) rejects like a failed one; a waiting
   * close() goes on when the last call in flight ends.
   */
  private transfer(io: PositionalIo, buffer: Buffer, offset: number, length: number, position: number, endOk: boolean): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.inFlight++;
      const end = (error: unknown, total: number): void => {
        this.inFlight--;
        if (error === null) resolve(total);
        else reject(error);
        if (this.inFlight === 0) this.onIdle?.();
      };
      const step = (done: number): void => {
        try {
          io(this.handle.fd, buffer, offset + done, length - done, position + done, (error, moved) => {
            if (error !== null) return end(error, done);
            const total = done + moved;
            if (total >= length || (moved === 0 && endOk)) return end(null, total);
            if (moved === 0) return end(new Error(`${this.path}: a write of ${length - done} bytes at ${position + done} wrote nothing`), done);
            step(total);
          });
        } catch (error) {
          end(error, done);
        }
      };
      step(0);
    });
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  sync(): Promise<void> {
    return this.handle.sync();
  }

  truncate(length: number): Promise<void> {
    return this.handle.truncate(length);
  }

  async size(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  async close(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
    this.onIdle = undefined;
    await this.handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

function isNotDirectory(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOTDIR';
}

export const nodeFileSystem: StoreFileSystem = {
  async open(path) {
    const handle = await open(path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    return new NodeFile(path, handle);
  },
  async list(dir) {
    try {
      return await readdir(dir);
    } catch (error) {
      if (isNotFound(error) || isNotDirectory(error)) return [];
      throw error;
    }
  },
  async ensureDir(dir) {
    await mkdir(dir, { recursive: true });
  },
  async remove(path) {
    await rm(path, { force: true });
  },
  async removeTree(dir) {
    await rm(dir, { recursive: true, force: true });
  },
  async exists(path) {
    try {
      await stat(path);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  },
  async syncDir(dir) {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
};
