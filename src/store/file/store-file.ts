/**
 * store-file.ts: the seam between the store and the disk. Every byte the store reads or writes,
 * and every directory it lists, creates or removes, goes through these two interfaces, so a
 * fault-injecting implementation (torn writes, short reads, lost unsynced bytes) can stand in
 * for node-file.ts in tests.
 *
 * Invariants: positions are absolute byte offsets in the file; writeAt writes all `length` bytes
 * or throws (a failed write may have written a prefix); readAt may return fewer bytes than asked,
 * as pread may, and returns 0 only at the end of the file, so a caller that needs every byte
 * uses readFully(). Implementations throw only on I/O failure and never retry on their own.
 */

/** One open file. */
export interface StoreFile {
  readonly path: string;
  /** Reads up to `length` bytes at `position` into target[targetOffset..]; returns how many (0 only at the end). */
  readAt(target: Buffer, targetOffset: number, length: number, position: number): Promise<number>;
  /** Writes source[sourceOffset, sourceOffset + length) at `position`, all of it. */
  writeAt(source: Buffer, sourceOffset: number, length: number, position: number): Promise<void>;
  /** fdatasync: the data (and the size) reach the disk. */
  datasync(): Promise<void>;
  /** fsync: data and all metadata reach the disk. */
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  size(): Promise<number>;
  close(): Promise<void>;
}

/** The directory operations the store needs, and the way to open a file. */
export interface StoreFileSystem {
  /** Opens for reading and writing, creating the file when it is missing; never truncates. */
  open(path: string): Promise<StoreFile>;
  /** Names in `dir`, unsorted; [] when the folder does not exist or is a file. */
  list(dir: string): Promise<string[]>;
  /** Creates `dir` and its parents when missing. */
  ensureDir(dir: string): Promise<void>;
  /** Removes a file; a missing file is fine. */
  remove(path: string): Promise<void>;
  /** Removes a folder and everything under it; a missing folder is fine. */
  removeTree(dir: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** fsyncs a folder, so the files created or removed in it survive a power loss. */
  syncDir(dir: string): Promise<void>;
}

/** Reads until `length` bytes are read or the file ends; returns how many were read. */
export async function readFully(file: StoreFile, target: Buffer, targetOffset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const read = await file.readAt(target, targetOffset + done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return done;
}
