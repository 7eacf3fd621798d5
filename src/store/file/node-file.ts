/**
 * node-file.ts: StoreFile and StoreFileSystem on node:fs/promises. Files are opened O_RDWR|O_CREAT
 * (never O_APPEND, which would make positional writes append on Linux, and never O_TRUNC).
 *
 * Must not: use any synchronous fs call, retry, or swallow an error.
 */
import { constants } from 'node:fs';
import { mkdir, open, readdir, rm, stat, type FileHandle } from 'node:fs/promises';
import type { StoreFile, StoreFileSystem } from './store-file.js';

const FILE_MODE = 0o644;

class NodeFile implements StoreFile {
  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  async readAt(target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(target, targetOffset + done, length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  async writeAt(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void> {
    let done = 0;
    while (done < length) {
      const { bytesWritten } = await this.handle.write(source, sourceOffset + done, length - done, position + done);
      done += bytesWritten;
    }
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

  close(): Promise<void> {
    return this.handle.close();
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
