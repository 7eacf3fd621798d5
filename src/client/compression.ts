/**
 * compression.ts: message bodies in RocketMQ's zlib format (a zlib stream, as Java's Deflater and
 * ali-ons write). A producer compresses bodies of at least compressMsgBodyOverHowmuch bytes and
 * marks them in sysFlag with COMPRESSED_FLAG plus the ZLIB compression type (0x300, as Java 5;
 * older clients look only at bit 0); consumers inflate bodies so marked.
 *
 * Small bodies are (de)compressed inline, where the thread-pool round trip would cost more than
 * the work; from ASYNC_BYTES_MIN on, zlib runs on libuv's pool, off the event loop.
 */
import { deflate, deflateSync, inflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import { MessageSysFlag } from '../message/index.js';

export const ASYNC_BYTES_MIN = 64 * 1024;
/** MessageSysFlag.COMPRESSION_ZLIB_TYPE (CompressionType.ZLIB = 3, in bits 8-10). */
export const COMPRESSION_ZLIB_TYPE = 0x3 << 8;
const COMPRESSION_TYPE_SHIFT = 8;

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** zlib of `body`: inline below ASYNC_BYTES_MIN (a Buffer), on the thread pool from there on (a Promise). */
export function compressBody(body: Buffer, level: number): Buffer | Promise<Buffer> {
  return body.length >= ASYNC_BYTES_MIN ? deflateAsync(body, { level }) : deflateSync(body, { level });
}

export class DecompressError extends Error {
  override name = 'DecompressError';
}

/** The body a consumer sees: inflated when sysFlag says zlib; LZ4 and ZSTD are refused. */
export async function decompressBody(body: Buffer, sysFlag: number): Promise<Buffer> {
  if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) === 0) return body;
  const type = (sysFlag & MessageSysFlag.COMPRESSION_TYPE_MASK) >> COMPRESSION_TYPE_SHIFT;
  // CompressionType.findByValue: 0 is the pre-5.0 zlib, 3 is ZLIB.
  if (type !== 0 && type !== 3) throw new DecompressError(`compression type ${type} (LZ4 1, ZSTD 2) is not supported`);
  try {
    return body.length >= ASYNC_BYTES_MIN ? await inflateAsync(body) : inflateSync(body);
  } catch (error) {
    throw new DecompressError(`cannot inflate a compressed body: ${(error as Error).message}`);
  }
}
