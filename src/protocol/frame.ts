/**
 * frame.ts: the only frame codec. A RemotingCommand frame, big-endian (RemotingCommand.java):
 *
 * | off  | bytes | field                                                       |
 * |------|-------|-------------------------------------------------------------|
 * | 0    | 4     | length = 4 + headerLength + bodyLength (excludes itself)    |
 * | 4    | 1     | serializeType: 0 JSON, 1 ROCKETMQ                           |
 * | 5    | 3     | headerLength                                                |
 * | 8    | hl    | header (command.ts)                                         |
 * | 8+hl | rest  | body                                                        |
 *
 * A frame larger than FRAME_BYTES_MAX, a length too small to hold the header length, a header
 * length past the frame or an unknown serialize type is a FrameError: the stream is not
 * trustworthy after it, so the connection is closed (NettyDecoder.java).
 */
import { binaryHeaderView, binaryRequestCode, decodeBinaryHeader, decodeBinaryRequestUnread } from './binary-header.js';
import { decodeJsonHeader, jsonHeaderText, RemotingFlag, SerializeType, type RemotingCommand } from './command.js';
import { FrameError } from './errors.js';

const MiB = 1024 * 1024;
/** The largest frame, its length field included (Java's com.rocketmq.remoting.frameMaxLength). */
export const FRAME_BYTES_MAX = 16 * MiB;
const LENGTH_FIELD_BYTES = 4;
const HEADER_LENGTH_FIELD_BYTES = 4;

/**
 * Decodes one frame: the bytes after the length field. Throws FrameError. A request with a
 * ROCKETMQ binary header whose code `readsInPlace` names keeps its frame and leaves its extFields
 * unread until asked for (decodeBinaryRequestUnread): its handler reads the header in place.
 */
export function decodeFrame(frame: Buffer, readsInPlace?: (code: number) => boolean): RemotingCommand {
  if (frame.length < HEADER_LENGTH_FIELD_BYTES) throw new FrameError(`frame of ${frame.length} bytes has no header length`);
  const mark = frame.readUInt32BE(0);
  const serializeType = mark >>> 24;
  const headerLength = mark & 0x00ffffff;
  if (HEADER_LENGTH_FIELD_BYTES + headerLength > frame.length) {
    throw new FrameError(`header length ${headerLength} is past the end of a ${frame.length}-byte frame`);
  }
  const headerEnd = HEADER_LENGTH_FIELD_BYTES + headerLength;
  const body = frame.length > headerEnd ? frame.subarray(headerEnd) : undefined;
  if (serializeType === SerializeType.JSON) return decodeJsonHeader(frame.subarray(HEADER_LENGTH_FIELD_BYTES, headerEnd), body);
  if (serializeType === SerializeType.ROCKETMQ) {
    if (readsInPlace !== undefined) {
      const code = binaryRequestCode(frame, HEADER_LENGTH_FIELD_BYTES, headerEnd);
      if (code !== undefined && readsInPlace(code)) return decodeBinaryRequestUnread(frame, body, HEADER_LENGTH_FIELD_BYTES, headerEnd);
    }
    return decodeBinaryHeader(frame, body, HEADER_LENGTH_FIELD_BYTES, headerEnd);
  }
  throw new FrameError(`unknown serialize type ${serializeType}`);
}

/** Where the header of `frame` (the bytes after the length field) starts: after the header length field. */
export const FRAME_HEADER_AT = HEADER_LENGTH_FIELD_BYTES;

/**
 * The end of the ROCKETMQ binary header of `frame` (the bytes after the length field); undefined
 * for a JSON header or a header length past the frame (decodeFrame reports those).
 */
export function binaryHeaderEnd(frame: Buffer): number | undefined {
  if (frame.length < HEADER_LENGTH_FIELD_BYTES) return undefined;
  const mark = frame.readUInt32BE(0);
  const end = HEADER_LENGTH_FIELD_BYTES + (mark & 0x00ffffff);
  return mark >>> 24 === SerializeType.ROCKETMQ && end <= frame.length ? end : undefined;
}

/** code + language + version before the opaque; opaque before the flag (binary-header.ts's table). */
const BINARY_OPAQUE_AT = HEADER_LENGTH_FIELD_BYTES + 5;
const BINARY_FLAG_AT = BINARY_OPAQUE_AT + 4;

/**
 * The opaque of a response whose header is ROCKETMQ binary, read without decoding the header, so
 * the waiting request can be found first; undefined for a request, a JSON header or a frame too
 * short to hold the fields (decodeFrame then reports it).
 */
export function binaryResponseOpaque(frame: Buffer): number | undefined {
  const end = binaryHeaderEnd(frame);
  if (end === undefined || end < BINARY_FLAG_AT + 4) return undefined;
  if ((frame.readInt32BE(BINARY_FLAG_AT) & RemotingFlag.RESPONSE) === 0) return undefined;
  return frame.readInt32BE(BINARY_OPAQUE_AT);
}

/**
 * Encodes a command as [length + header, body?]: the body goes to the socket as its own buffer
 * so a large pull response is not copied once more. The header is JSON unless the command (or
 * `serializeType`) says ROCKETMQ.
 */
export function encodeFrame(command: RemotingCommand, serializeType: SerializeType = command.serializeType ?? SerializeType.JSON): Buffer[] {
  const bodyLength = command.body?.length ?? 0;
  let head: Buffer;
  if (serializeType === SerializeType.JSON) {
    // The header text goes straight into the frame's head: one buffer, one copy.
    const text = jsonHeaderText(command);
    const headerLength = Buffer.byteLength(text, 'utf8');
    head = Buffer.allocUnsafe(HEAD_FIELDS_BYTES + headerLength);
    head.write(text, HEAD_FIELDS_BYTES, headerLength, 'utf8');
  } else {
    // The binary header is written after room for the length fields, in place (binaryHeaderView).
    head = binaryHeaderView(command, HEAD_FIELDS_BYTES);
  }
  writeHeadFields(head, serializeType, head.length - HEAD_FIELDS_BYTES, bodyLength);
  return command.body && bodyLength > 0 ? [head, command.body] : [head];
}

/** The length field and the header length field, before the header. */
const HEAD_FIELDS_BYTES = LENGTH_FIELD_BYTES + HEADER_LENGTH_FIELD_BYTES;

/** Fills in the length fields at the start of `head`; a frame over FRAME_BYTES_MAX is a FrameError. */
function writeHeadFields(head: Buffer, serializeType: SerializeType, headerLength: number, bodyLength: number): void {
  const length = HEADER_LENGTH_FIELD_BYTES + headerLength + bodyLength;
  if (length + LENGTH_FIELD_BYTES > FRAME_BYTES_MAX) throw new FrameError(`frame of ${length + LENGTH_FIELD_BYTES} bytes is over ${FRAME_BYTES_MAX}`);
  head.writeInt32BE(length, 0);
  head.writeUInt32BE(((serializeType << 24) | headerLength) >>> 0, 4);
}

export function encodeFrameBuffer(command: RemotingCommand, serializeType: SerializeType = command.serializeType ?? SerializeType.JSON): Buffer {
  return Buffer.concat(encodeFrame(command, serializeType));
}

/**
 * Splits a byte stream into frames. Whole frames inside a chunk are handed out as views of it;
 * only a frame split across chunks is copied, once, into a buffer of its exact size.
 */
export class FrameDecoder {
  private readonly lengthBytes = Buffer.alloc(LENGTH_FIELD_BYTES);
  private lengthFilled = 0;
  private partial: Buffer | undefined;
  private partialFilled = 0;

  constructor(private readonly frameBytesMax = FRAME_BYTES_MAX) {}

  /** True when bytes of an unfinished frame are buffered (a truncated frame if the stream ends). */
  get hasPartialFrame(): boolean {
    return this.lengthFilled > 0 || this.partial !== undefined;
  }

  /** Feeds a chunk; calls `onFrame` for each complete frame. Throws FrameError on a bad length. */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.partial) {
        const count = Math.min(chunk.length - pos, this.partial.length - this.partialFilled);
        chunk.copy(this.partial, this.partialFilled, pos, pos + count);
        this.partialFilled += count;
        pos += count;
        if (this.partialFilled === this.partial.length) {
          const frame = this.partial;
          this.partial = undefined;
          onFrame(frame);
        }
        continue;
      }
      let length: number;
      if (this.lengthFilled === 0 && chunk.length - pos >= LENGTH_FIELD_BYTES) {
        length = chunk.readUInt32BE(pos);
        pos += LENGTH_FIELD_BYTES;
      } else {
        const count = Math.min(chunk.length - pos, LENGTH_FIELD_BYTES - this.lengthFilled);
        chunk.copy(this.lengthBytes, this.lengthFilled, pos, pos + count);
        this.lengthFilled += count;
        pos += count;
        if (this.lengthFilled < LENGTH_FIELD_BYTES) return;
        this.lengthFilled = 0;
        length = this.lengthBytes.readUInt32BE(0);
      }
      this.checkLength(length);
      if (chunk.length - pos >= length) {
        onFrame(chunk.subarray(pos, pos + length));
        pos += length;
      } else {
        this.partial = Buffer.allocUnsafe(length);
        this.partialFilled = 0;
      }
    }
  }

  private checkLength(length: number): void {
    if (length < HEADER_LENGTH_FIELD_BYTES) throw new FrameError(`frame length ${length} is too small`);
    if (length + LENGTH_FIELD_BYTES > this.frameBytesMax) {
      throw new FrameError(`frame length ${length} is over the ${this.frameBytesMax}-byte limit`);
    }
  }
}
