/**
 * checkpoint.ts: the `checkpoint` file in storePathRootDir, in RocketMQ's layout
 * (StoreCheckpoint.java): a 4 KiB file, fields big-endian int64 at fixed offsets. We add our own
 * fields after offset 40, behind a marker, so a Java checkpoint (zeros there) is told apart.
 *
 * | off | bytes | field                                                                        |
 * |-----|-------|------------------------------------------------------------------------------|
 * | 0   | 8     | physicMsgTimestamp: store time of the last CommitLog record fdatasync'ed       |
 * | 8   | 8     | logicsMsgTimestamp: store time of the last record below consumeQueueSafeOffset |
 * | 16  | 8     | indexMsgTimestamp: store time of the last record below indexSafeOffset         |
 * | 24  | 8     | masterFlushedOffset: 0 (no HA)                                                 |
 * | 32  | 8     | confirmPhyOffset: 0 (no HA)                                                    |
 * | 40  | 8     | ours: marker, ASCII "RMQTSCP2" (or "RMQTSCP1": no indexSafeOffset, CRC at 56)  |
 * | 48  | 8     | ours: consumeQueueSafeOffset: every record below this CommitLog offset is      |
 * |     |       | fdatasync'ed, and so are the ConsumeQueue entries of all of them               |
 * | 56  | 8     | ours: indexSafeOffset: every record below this CommitLog offset is indexed,    |
 * |     |       | and its index entries are fdatasync'ed                                         |
 * | 64  | 4     | ours: CRC32 of bytes 0..63                                                     |
 *
 * Recovery trusts ConsumeQueue entries only below consumeQueueSafeOffset and re-dispatches the
 * CommitLog from there (recovery/); the index re-indexes from indexSafeOffset (index/). Must not:
 * be written with a safe offset that is not a record boundary, or that runs ahead of what is
 * fdatasync'ed.
 */
import { crc32 } from 'node:zlib';
import { readLong, writeLong } from '../../message/index.js';
import type { FilePool } from '../file/file-pool.js';
import { readFully } from '../file/store-file.js';

export const CHECKPOINT_FILE_BYTES = 4096;
const MARKER = Buffer.from('RMQTSCP2', 'ascii');
/** The first layout of ours: no indexSafeOffset, the CRC at 56. Still read. */
const MARKER_V1 = Buffer.from('RMQTSCP1', 'ascii');

const At = {
  PHYSIC_MSG_TIMESTAMP: 0,
  LOGICS_MSG_TIMESTAMP: 8,
  INDEX_MSG_TIMESTAMP: 16,
  MASTER_FLUSHED_OFFSET: 24,
  CONFIRM_PHY_OFFSET: 32,
  MARKER: 40,
  CONSUME_QUEUE_SAFE_OFFSET: 48,
  INDEX_SAFE_OFFSET: 56,
  CRC: 64,
} as const;
const CRC_V1_AT = 56;

export interface Checkpoint {
  readonly physicMsgTimestamp: number;
  readonly logicsMsgTimestamp: number;
  readonly indexMsgTimestamp: number;
  readonly masterFlushedOffset: number;
  readonly confirmPhyOffset: number;
  /** Undefined when the file is not ours (missing marker) or our part fails its CRC. */
  readonly consumeQueueSafeOffset: number | undefined;
  /** Undefined as consumeQueueSafeOffset is, and in a checkpoint of our first layout. */
  readonly indexSafeOffset: number | undefined;
}

export function encodeCheckpoint(checkpoint: Checkpoint): Buffer {
  const bytes = Buffer.alloc(CHECKPOINT_FILE_BYTES);
  writeLong(bytes, checkpoint.physicMsgTimestamp, At.PHYSIC_MSG_TIMESTAMP);
  writeLong(bytes, checkpoint.logicsMsgTimestamp, At.LOGICS_MSG_TIMESTAMP);
  writeLong(bytes, checkpoint.indexMsgTimestamp, At.INDEX_MSG_TIMESTAMP);
  writeLong(bytes, checkpoint.masterFlushedOffset, At.MASTER_FLUSHED_OFFSET);
  writeLong(bytes, checkpoint.confirmPhyOffset, At.CONFIRM_PHY_OFFSET);
  if (checkpoint.consumeQueueSafeOffset !== undefined) {
    MARKER.copy(bytes, At.MARKER);
    writeLong(bytes, checkpoint.consumeQueueSafeOffset, At.CONSUME_QUEUE_SAFE_OFFSET);
    writeLong(bytes, checkpoint.indexSafeOffset ?? 0, At.INDEX_SAFE_OFFSET);
    bytes.writeUInt32BE(crc32(bytes.subarray(0, At.CRC)), At.CRC);
  }
  return bytes;
}

/** Decodes a checkpoint; undefined when there are fewer than 40 bytes (no usable file). */
export function decodeCheckpoint(bytes: Buffer): Checkpoint | undefined {
  if (bytes.length < At.MARKER) return undefined;
  const long = (at: number): number => {
    try {
      return readLong(bytes, at);
    } catch {
      return 0; // A Java long beyond 2^53 is no timestamp or offset we can use.
    }
  };
  const marker = bytes.subarray(At.MARKER, At.MARKER + MARKER.length);
  const crcAt = marker.equals(MARKER) ? At.CRC : marker.equals(MARKER_V1) ? CRC_V1_AT : undefined;
  const ours = crcAt !== undefined && bytes.length >= crcAt + 4 && bytes.readUInt32BE(crcAt) === crc32(bytes.subarray(0, crcAt));
  return {
    physicMsgTimestamp: long(At.PHYSIC_MSG_TIMESTAMP),
    logicsMsgTimestamp: long(At.LOGICS_MSG_TIMESTAMP),
    indexMsgTimestamp: long(At.INDEX_MSG_TIMESTAMP),
    masterFlushedOffset: long(At.MASTER_FLUSHED_OFFSET),
    confirmPhyOffset: long(At.CONFIRM_PHY_OFFSET),
    consumeQueueSafeOffset: ours ? long(At.CONSUME_QUEUE_SAFE_OFFSET) : undefined,
    indexSafeOffset: ours && crcAt === At.CRC ? long(At.INDEX_SAFE_OFFSET) : undefined,
  };
}

/** Reads the checkpoint file; undefined when it is missing or too short. */
export async function readCheckpoint(pool: FilePool, path: string): Promise<Checkpoint | undefined> {
  if (!(await pool.fs.exists(path))) return undefined;
  const bytes = Buffer.alloc(CHECKPOINT_FILE_BYTES);
  const got = await pool.use(path, (file) => readFully(file, bytes, 0, bytes.length, 0));
  return decodeCheckpoint(bytes.subarray(0, got));
}

/** Writes and fdatasyncs the checkpoint file. */
export async function writeCheckpoint(pool: FilePool, path: string, checkpoint: Checkpoint): Promise<void> {
  const bytes = encodeCheckpoint(checkpoint);
  await pool.use(path, async (file) => {
    await file.writeAt(bytes, 0, bytes.length, 0);
    await file.datasync();
  });
}
