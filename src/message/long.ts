/**
 * long.ts: Java longs in big-endian buffers, as JS numbers. Offsets and timestamps are int64 on
 * the wire and on disk but stay far below 2^53, so a number holds them exactly; writing two int32
 * halves avoids a BigInt allocation per field on the hot paths (record encode, ConsumeQueue).
 */

const TWO_POW_32 = 4294967296;

export class LongRangeError extends RangeError {
  override name = 'LongRangeError';
}

/**
 * Writes the low 32 bits of `value` big-endian at `at`; returns at + 4. Plain byte stores (a
 * Uint8Array store keeps the low 8 bits), without Buffer.writeInt32BE's argument checks: the
 * per-message codecs (record, ConsumeQueue and index entries) call this; the caller keeps `at`
 * inside the buffer.
 */
export function writeInt(target: Buffer, value: number, at: number): number {
  target[at] = value >>> 24;
  target[at + 1] = value >>> 16;
  target[at + 2] = value >>> 8;
  target[at + 3] = value;
  return at + 4;
}

/** Writes `value` (a safe integer) as a big-endian int64 at `at`; returns at + 8. */
export function writeLong(target: Buffer, value: number, at: number): number {
  if (!Number.isSafeInteger(value)) throw new LongRangeError(`${value} is not a safe integer`);
  if (at < 0 || at + 8 > target.length) throw new RangeError(`int64 at ${at} is outside a ${target.length}-byte buffer`);
  const high = Math.floor(value / TWO_POW_32);
  writeInt(target, high, at);
  return writeInt(target, value - high * TWO_POW_32, at + 4);
}

/** Reads a big-endian int64 at `at`; throws LongRangeError when it does not fit 53 bits. */
export function readLong(source: Buffer, at: number): number {
  const value = source.readInt32BE(at) * TWO_POW_32 + source.readUInt32BE(at + 4);
  if (!Number.isSafeInteger(value)) throw new LongRangeError(`int64 at ${at} is beyond 2^53`);
  return value;
}
