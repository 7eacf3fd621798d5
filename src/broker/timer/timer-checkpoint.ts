/**
 * timer-checkpoint.ts: the timer's two small state files, both written whole and atomically
 * (temp file, fdatasync, rename, directory fsync), so a crash leaves the old one or the new one.
 *
 * timer/checkpoint: what is done. Its first 56 bytes are Java's TimerCheckpoint layout (and the
 * GET_TIMER_CHECK_POINT body); ours follow behind a marker.
 * | off | bytes | field                                                                          |
 * |-----|-------|--------------------------------------------------------------------------------|
 * | 0   | 8     | lastReadTimeMs: every fine slot before this time is delivered                  |
 * | 8   | 8     | lastTimerLogFlushPos: the timer log is fdatasync'ed below this position        |
 * | 16  | 8     | lastTimerQueueOffset: rmq_sys_wheel_timer entries below it are in the log      |
 * | 24  | 8     | masterTimerQueueOffset: the same (no HA)                                       |
 * | 32  | 24    | dataVersion: stateVersion, timestamp, counter                                  |
 * | 56  | 8     | ours: marker, ASCII "RMQTSTC1"                                                 |
 * | 64  | 8     | ours: coarseReadTimeMs: every coarse slot before this time is transferred      |
 * | 72  | 16    | ours: geometry: fineSlotMs, fineSlots, coarseSlotMs, coarseSlots (int32 each)   |
 * | 88  | 8     | ours: transferCursor: where the transfer of the coarse slot at coarseReadTimeMs |
 * |     |       | goes on: a chain position (>= 0), a scan position p as -(p + 3), -1 when it is  |
 * |     |       | placed whole, -2 when it starts from the beginning (timer-read.ts)             |
 * | 96  | 4     | ours: CRC32 of bytes 0..95                                                     |
 *
 * timer/wheel: a snapshot of both wheels and of the log's segment table, exactly as they were
 * when the log ended at `logPosition`; recovery replays the log from there.
 * | off | bytes    | field                                                                     |
 * |-----|----------|---------------------------------------------------------------------------|
 * | 0   | 8        | marker, ASCII "RMQTSTW1"                                                  |
 * | 8   | 8        | logPosition                                                               |
 * | 16  | 16       | geometry, as in the checkpoint                                            |
 * | 32  | 4        | segment count n                                                           |
 * | 36  | 32 × f   | fine wheel (timer-wheel.ts slot entries)                                   |
 * |     | 32 × c   | coarse wheel                                                              |
 * |     | 24 × n   | segments: start, largest fine slot, largest coarse slot (int64 each)      |
 * |     | 4        | CRC32 of everything before                                                |
 */
import { open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { crc32 } from 'node:zlib';
import { readLong, writeLong } from '../../message/index.js';
import type { DataVersion } from '../../protocol/index.js';
import type { TimerGeometry } from './timer-placement.js';
import { SLOT_BYTES } from './timer-wheel.js';

export const JAVA_CHECKPOINT_BYTES = 56;
const CHECKPOINT_BYTES = 100;
const CHECKPOINT_CRC_AT = 96;
/** transferCursor when no transfer is under way. */
export const NO_TRANSFER = -2;
const CHECKPOINT_MARKER = Buffer.from('RMQTSTC1', 'ascii');
const SNAPSHOT_MARKER = Buffer.from('RMQTSTW1', 'ascii');
const SNAPSHOT_HEADER_BYTES = 36;
const SEGMENT_ENTRY_BYTES = 24;

export interface TimerCheckpoint {
  readonly lastReadTimeMs: number;
  readonly lastTimerLogFlushPos: number;
  readonly lastTimerQueueOffset: number;
  readonly masterTimerQueueOffset: number;
  readonly dataVersion: DataVersion;
  readonly coarseReadTimeMs: number;
  readonly geometry: TimerGeometry;
  readonly transferCursor: number;
}

function writeGeometry(geometry: TimerGeometry, target: Buffer, at: number): void {
  target.writeInt32BE(geometry.fineSlotMs, at);
  target.writeInt32BE(geometry.fineSlots, at + 4);
  target.writeInt32BE(geometry.coarseSlotMs, at + 8);
  target.writeInt32BE(geometry.coarseSlots, at + 12);
}

function readGeometry(source: Buffer, at: number): TimerGeometry {
  return {
    fineSlotMs: source.readInt32BE(at),
    fineSlots: source.readInt32BE(at + 4),
    coarseSlotMs: source.readInt32BE(at + 8),
    coarseSlots: source.readInt32BE(at + 12),
  };
}

/** Java's 56 bytes (TimerCheckpoint.encode): the GET_TIMER_CHECK_POINT body. */
export function encodeJavaCheckpoint(checkpoint: TimerCheckpoint): Buffer {
  return encodeCheckpoint(checkpoint).subarray(0, JAVA_CHECKPOINT_BYTES);
}

export function encodeCheckpoint(checkpoint: TimerCheckpoint): Buffer {
  const bytes = Buffer.alloc(CHECKPOINT_BYTES);
  writeLong(bytes, checkpoint.lastReadTimeMs, 0);
  writeLong(bytes, checkpoint.lastTimerLogFlushPos, 8);
  writeLong(bytes, checkpoint.lastTimerQueueOffset, 16);
  writeLong(bytes, checkpoint.masterTimerQueueOffset, 24);
  writeLong(bytes, checkpoint.dataVersion.stateVersion, 32);
  writeLong(bytes, checkpoint.dataVersion.timestamp, 40);
  writeLong(bytes, checkpoint.dataVersion.counter, 48);
  CHECKPOINT_MARKER.copy(bytes, 56);
  writeLong(bytes, checkpoint.coarseReadTimeMs, 64);
  writeGeometry(checkpoint.geometry, bytes, 72);
  writeLong(bytes, checkpoint.transferCursor, 88);
  bytes.writeInt32BE(crc32(bytes.subarray(0, CHECKPOINT_CRC_AT)) | 0, CHECKPOINT_CRC_AT);
  return bytes;
}

/** The checkpoint, or undefined when the bytes are not one of ours (Java's, torn, or corrupt). */
export function decodeCheckpoint(bytes: Buffer): TimerCheckpoint | undefined {
  if (bytes.length < CHECKPOINT_BYTES || !bytes.subarray(56, 64).equals(CHECKPOINT_MARKER)) return undefined;
  if ((crc32(bytes.subarray(0, CHECKPOINT_CRC_AT)) | 0) !== bytes.readInt32BE(CHECKPOINT_CRC_AT)) return undefined;
  return {
    lastReadTimeMs: readLong(bytes, 0),
    lastTimerLogFlushPos: readLong(bytes, 8),
    lastTimerQueueOffset: readLong(bytes, 16),
    masterTimerQueueOffset: readLong(bytes, 24),
    dataVersion: { stateVersion: readLong(bytes, 32), timestamp: readLong(bytes, 40), counter: readLong(bytes, 48) },
    coarseReadTimeMs: readLong(bytes, 64),
    geometry: readGeometry(bytes, 72),
    transferCursor: readLong(bytes, 88),
  };
}

/** How far a log segment's records reach, so a segment whose slots are all done can go. */
export interface SegmentReach {
  readonly start: number;
  /** Largest fine slot a record of the segment is linked in (-1: none). */
  maxFineSlot: number;
  /** Largest coarse slot (-1: none). */
  maxCoarseSlot: number;
}

export interface WheelSnapshot {
  readonly logPosition: number;
  readonly geometry: TimerGeometry;
  readonly fine: Buffer;
  readonly coarse: Buffer;
  readonly segments: readonly SegmentReach[];
}

export function encodeSnapshot(snapshot: WheelSnapshot): Buffer {
  const { fine, coarse, segments } = snapshot;
  const bytes = Buffer.alloc(SNAPSHOT_HEADER_BYTES + fine.length + coarse.length + segments.length * SEGMENT_ENTRY_BYTES + 4);
  SNAPSHOT_MARKER.copy(bytes, 0);
  writeLong(bytes, snapshot.logPosition, 8);
  writeGeometry(snapshot.geometry, bytes, 16);
  bytes.writeInt32BE(segments.length, 32);
  let at = SNAPSHOT_HEADER_BYTES;
  at += fine.copy(bytes, at);
  at += coarse.copy(bytes, at);
  for (const segment of segments) {
    writeLong(bytes, segment.start, at);
    writeLong(bytes, segment.maxFineSlot, at + 8);
    writeLong(bytes, segment.maxCoarseSlot, at + 16);
    at += SEGMENT_ENTRY_BYTES;
  }
  bytes.writeInt32BE(crc32(bytes.subarray(0, at)) | 0, at);
  return bytes;
}

/** The snapshot, or undefined when the bytes are not a whole one. */
export function decodeSnapshot(bytes: Buffer): WheelSnapshot | undefined {
  if (bytes.length < SNAPSHOT_HEADER_BYTES + 4 || !bytes.subarray(0, 8).equals(SNAPSHOT_MARKER)) return undefined;
  if ((crc32(bytes.subarray(0, bytes.length - 4)) | 0) !== bytes.readInt32BE(bytes.length - 4)) return undefined;
  const geometry = readGeometry(bytes, 16);
  const count = bytes.readInt32BE(32);
  const fineBytes = geometry.fineSlots * SLOT_BYTES;
  const coarseBytes = geometry.coarseSlots * SLOT_BYTES;
  if (count < 0 || bytes.length !== SNAPSHOT_HEADER_BYTES + fineBytes + coarseBytes + count * SEGMENT_ENTRY_BYTES + 4) return undefined;
  let at = SNAPSHOT_HEADER_BYTES;
  const fine = Buffer.from(bytes.subarray(at, (at += fineBytes)));
  const coarse = Buffer.from(bytes.subarray(at, (at += coarseBytes)));
  const segments: SegmentReach[] = [];
  for (let index = 0; index < count; index++, at += SEGMENT_ENTRY_BYTES) {
    segments.push({ start: readLong(bytes, at), maxFineSlot: readLong(bytes, at + 8), maxCoarseSlot: readLong(bytes, at + 16) });
  }
  return { logPosition: readLong(bytes, 8), geometry, fine, coarse, segments };
}

/** Writes a small state file whole: temp file, fdatasync, rename, directory fsync. */
export async function writeFileAtomically(path: string, bytes: Buffer): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(bytes);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const directory = await open(dirname(path), 'r');
  try {
    await directory.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is atomic all the same.
  } finally {
    await directory.close();
  }
}

/** The file's bytes, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
