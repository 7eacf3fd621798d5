/**
 * timer-log-record.ts: one record of the timer log, 56 bytes, big-endian. Our layout, after Java's
 * 52-byte TimerLog unit (TimerLog.java): Java keeps "enqueue time + int delay" and a topic hash;
 * we keep the exact due time (we deliver at it, not at a slot boundary), the slot the record is
 * linked into (so recovery can re-link it without the message), the store time of the message
 * copy (how long its CommitLog data is kept), and a CRC so a torn tail is found.
 *
 * | off | bytes | field                                                                     |
 * |-----|-------|---------------------------------------------------------------------------|
 * | 0   | 4     | size: 56                                                                  |
 * | 4   | 4     | magic: TimerMagic bits, DEFAULT always set (ROLL: coarse wheel; DELETE)   |
 * | 8   | 8     | prevPos: the previous record of the same slot, -1 for the first           |
 * | 16  | 8     | slot: absolute slot number (due ms / slot ms) of the wheel it is linked in |
 * | 24  | 8     | dueMs: when the message is due                                            |
 * | 32  | 8     | storeMs: store time of the CommitLog copy at commitLogOffset              |
 * | 40  | 8     | commitLogOffset of the message (in rmq_sys_wheel_timer)                   |
 * | 48  | 4     | messageSize: its record size                                              |
 * | 52  | 4     | CRC32 of bytes 0..51                                                      |
 *
 * Must not: be decoded anywhere else; offsets into a record are computed only here.
 */
import { crc32 } from 'node:zlib';
import { readLong, writeLong } from '../../message/index.js';
import { TimerMagic } from './timer-const.js';

export const TIMER_RECORD_BYTES = 56;

const At = {
  SIZE: 0,
  MAGIC: 4,
  PREV_POS: 8,
  SLOT: 16,
  DUE_MS: 24,
  STORE_MS: 32,
  COMMIT_LOG_OFFSET: 40,
  MESSAGE_SIZE: 48,
  CRC: 52,
} as const;

export interface TimerLogRecord {
  readonly magic: number;
  readonly prevPos: number;
  readonly slot: number;
  readonly dueMs: number;
  readonly storeMs: number;
  readonly commitLogOffset: number;
  readonly messageSize: number;
}

/** Every magic is DEFAULT plus ROLL and/or DELETE (Java's isMagicOK: no bit above 0xF). */
function isMagicOk(magic: number): boolean {
  return (magic & TimerMagic.DEFAULT) !== 0 && (magic | 0xf) === 0xf;
}

/** Writes `record` at `at` of `target` (which must have 56 bytes there). */
export function encodeTimerRecord(record: TimerLogRecord, target: Buffer, at: number): void {
  target.writeInt32BE(TIMER_RECORD_BYTES, at + At.SIZE);
  target.writeInt32BE(record.magic, at + At.MAGIC);
  writeLong(target, record.prevPos, at + At.PREV_POS);
  writeLong(target, record.slot, at + At.SLOT);
  writeLong(target, record.dueMs, at + At.DUE_MS);
  writeLong(target, record.storeMs, at + At.STORE_MS);
  writeLong(target, record.commitLogOffset, at + At.COMMIT_LOG_OFFSET);
  target.writeInt32BE(record.messageSize, at + At.MESSAGE_SIZE);
  target.writeInt32BE(crc32(target.subarray(at, at + At.CRC)) | 0, at + At.CRC);
}

/** The record at `at`, or undefined when the bytes are not one (torn, zero, or corrupt). */
export function decodeTimerRecord(source: Buffer, at: number): TimerLogRecord | undefined {
  if (at < 0 || at + TIMER_RECORD_BYTES > source.length) return undefined;
  if (source.readInt32BE(at + At.SIZE) !== TIMER_RECORD_BYTES) return undefined;
  if ((crc32(source.subarray(at, at + At.CRC)) | 0) !== source.readInt32BE(at + At.CRC)) return undefined;
  const magic = source.readInt32BE(at + At.MAGIC);
  if (!isMagicOk(magic)) return undefined;
  try {
    return {
      magic,
      prevPos: readLong(source, at + At.PREV_POS),
      slot: readLong(source, at + At.SLOT),
      dueMs: readLong(source, at + At.DUE_MS),
      storeMs: readLong(source, at + At.STORE_MS),
      commitLogOffset: readLong(source, at + At.COMMIT_LOG_OFFSET),
      messageSize: source.readInt32BE(at + At.MESSAGE_SIZE),
    };
  } catch {
    return undefined; // An int64 beyond 2^53 that passed the CRC is not one we wrote.
  }
}

export function isRoll(magic: number): boolean {
  return (magic & TimerMagic.ROLL) !== 0;
}

export function isDelete(magic: number): boolean {
  return (magic & TimerMagic.DELETE) !== 0;
}
