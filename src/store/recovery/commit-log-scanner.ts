/**
 * commit-log-scanner.ts: walks the CommitLog forward from a record boundary, checking every
 * record, and stops at the first one that is not whole and sound. What it checks, in order:
 * a header fits before the segment's file ends; the magic code (V1/V2 message or blank); a blank
 * covers exactly the rest of its segment; a message is at least 91 bytes, leaves room for the
 * 8-byte blank at the segment's end, lies within the file, decodes, names its own offset as
 * PHYSICALOFFSET, (checkCrc) matches its BODYCRC, and does not end torn (commitlog/record-check.ts:
 * properties end with the separator, the topic holds no NUL). An all-zero header is the end of data (a
 * preallocated or zero-filled tail).
 *
 * Invariants: reads at most max(chunkBytes, one record) at a time; calls onRecord in CommitLog
 * order, only for records that passed. Must not: modify files (recover.ts truncates).
 */
import { decodeRecord, type MessageRecord } from '../../message/index.js';
import { tornTail } from '../commitlog/record-check.js';
import type { SegmentedFile } from '../file/segmented-file.js';

export type ScanStop =
  /** Clean end: the data ends at a record boundary. */
  | { readonly kind: 'END' }
  /** The last record is cut short by the end of its file (a torn write). */
  | { readonly kind: 'TORN'; readonly detail: string }
  /** A record is inconsistent. */
  | { readonly kind: 'CORRUPT'; readonly detail: string };

export interface ScanResult {
  /** Where valid data ends: everything from here on is to be truncated. */
  readonly end: number;
  readonly stop: ScanStop;
  readonly records: number;
  /** STORETIMESTAMP of the last valid record scanned (undefined when none was). */
  readonly lastStoreTimestamp: number | undefined;
}

export interface ScanOptions {
  readonly checkCrc: boolean;
  /** Bytes read at a time (a larger record is read whole). */
  readonly chunkBytes: number;
  /** Stop (as END) before a record that starts at or past this offset; the index catches up in stretches. */
  readonly until?: number;
}

/** A window of file bytes [start, start + bytes.length) inside one segment, and the file end of that segment. */
interface Window {
  start: number;
  bytes: Buffer;
  segment: number;
  fileEnd: number;
}

type Step = { readonly next: number; readonly record?: MessageRecord } | { readonly stop: ScanStop };

export async function scanCommitLog(
  file: SegmentedFile,
  from: number,
  options: ScanOptions,
  onRecord: (record: MessageRecord) => void | Promise<void>,
): Promise<ScanResult> {
  let position = from;
  let records = 0;
  let lastStoreTimestamp: number | undefined;
  const window: Window = { start: 0, bytes: Buffer.alloc(0), segment: -1, fileEnd: 0 };
  const buffer = Buffer.alloc(options.chunkBytes);
  for (;;) {
    if (options.until !== undefined && position >= options.until) return { end: position, stop: { kind: 'END' }, records, lastStoreTimestamp };
    const step = await scanOne(file, position, options, window, buffer);
    if ('stop' in step) return { end: position, stop: step.stop, records, lastStoreTimestamp };
    if (step.record !== undefined) {
      records += 1;
      lastStoreTimestamp = step.record.storeTimestamp;
      await onRecord(step.record);
    }
    position = step.next;
  }
}

async function scanOne(file: SegmentedFile, position: number, options: ScanOptions, window: Window, buffer: Buffer): Promise<Step> {
  const segment = file.segmentStart(position);
  const segmentEnd = segment + file.segmentBytes;
  if (window.segment !== segment) {
    window.segment = segment;
    window.fileEnd = segment + (await file.fileSize(segment));
  }
  const fileEnd = window.fileEnd;
  const isLast = file.lastStart === undefined || segment >= file.lastStart;
  if (position >= fileEnd) {
    if (isLast) return { stop: { kind: 'END' } };
    return { stop: { kind: 'TORN', detail: `segment ${segment} ends at ${fileEnd} without a blank record` } };
  }
  if (fileEnd - position < 8) return { stop: { kind: 'TORN', detail: `${fileEnd - position} bytes of a header` } };
  let view = await load(file, window, buffer, position, 8, segmentEnd);
  const size = view.readInt32BE(0);
  const head = decodeRecord(view.subarray(0, 8), 0);
  if (size === 0 && view.readInt32BE(4) === 0) return { stop: { kind: 'END' } };
  if (head.kind === 'BLANK') {
    if (size !== segmentEnd - position) return { stop: { kind: 'CORRUPT', detail: `blank of ${size} bytes, ${segmentEnd - position} left in the segment` } };
    return { next: segmentEnd };
  }
  if (head.kind === 'CORRUPT') return { stop: { kind: 'CORRUPT', detail: head.reason } };
  if (size + 8 > segmentEnd - position) return { stop: { kind: 'CORRUPT', detail: `record of ${size} bytes, ${segmentEnd - position} left in the segment` } };
  if (position + size > fileEnd) return { stop: { kind: 'TORN', detail: `record of ${size} bytes, ${fileEnd - position} in the file` } };
  view = await load(file, window, buffer, position, size, segmentEnd);
  const decoded = decodeRecord(view.subarray(0, size), 0, options.checkCrc);
  if (decoded.kind !== 'MESSAGE') return { stop: { kind: 'CORRUPT', detail: decoded.kind === 'CORRUPT' ? decoded.reason : decoded.kind } };
  if (decoded.message.commitLogOffset !== position) {
    return { stop: { kind: 'CORRUPT', detail: `PHYSICALOFFSET ${decoded.message.commitLogOffset} in a record at ${position}` } };
  }
  const torn = tornTail(decoded.message);
  if (torn !== undefined) return { stop: { kind: 'CORRUPT', detail: torn } };
  return { next: position + size, record: decoded.message };
}

/** The bytes at `position` with at least `need` of them, reading a new window when needed. */
async function load(file: SegmentedFile, window: Window, buffer: Buffer, position: number, need: number, segmentEnd: number): Promise<Buffer> {
  const inWindow = position >= window.start && position + need <= window.start + window.bytes.length;
  if (!inWindow) {
    const length = Math.min(Math.max(buffer.length, need), segmentEnd - position);
    const target = length <= buffer.length ? buffer : Buffer.alloc(length);
    const got = await file.read(position, target, 0, length);
    window.start = position;
    window.bytes = target.subarray(0, got);
  }
  return window.bytes.subarray(position - window.start);
}
