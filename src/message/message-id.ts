/**
 * message-id.ts: RocketMQ's two message ids.
 *
 * Offset message id (MessageDecoder.createMessageId): uppercase hex of the store host's bytes
 * (IP + port int32, as in a record) followed by the record's CommitLog offset as an int64: 32 hex
 * characters for IPv4, 56 for IPv6. A send answers it as msgId; VIEW_MESSAGE_BY_ID takes it apart.
 *
 * Unique id, the UNIQ_KEY property (MessageClientIDSetter): uppercase hex of
 * | ip (4 or 16) | pid low 16 bits (2) | a per-process int (4) | ms since the start of this
 * month, local time (4) | counter (2) |, 32 hex characters for IPv4.
 */
import { LongRangeError, readLong } from './long.js';
import { formatSocketAddress, IPV4_ADDRESS_BYTES, IPV6_ADDRESS_BYTES } from './socket-address.js';

export class MessageIdError extends Error {
  override name = 'MessageIdError';
}

/** Char codes of the uppercase hex digits. */
const HEX_CODES = Array.from('0123456789ABCDEF', (digit) => digit.charCodeAt(0));
const TWO_POW_32 = 4294967296;
/** A copy of the last store host's bytes: a broker answers every send with its own host. */
let lastHost = Buffer.alloc(0);
/** The char codes of the last id: the host's hex, then the offset's 16 digits (rewritten per call). */
let idCodes: number[] = [];

function isLastHost(storeHost: Buffer): boolean {
  if (storeHost.length !== lastHost.length) return false;
  for (let index = 0; index < storeHost.length; index++) if (storeHost[index] !== lastHost[index]) return false;
  return true;
}

/** Writes `value`'s 8 hex digits (as a uint32) into idCodes from `at`. */
function putHex8(value: number, at: number): void {
  for (let digit = 0; digit < 8; digit++) idCodes[at + digit] = HEX_CODES[(value >>> (28 - 4 * digit)) & 15] as number;
}

/**
 * The offset message id of the record at `commitLogOffset` stored by `storeHost` (8 or 20 bytes).
 * Made once per send answer, so without a Buffer or a native call: the host's hex digits are kept
 * from the last call, the offset's 16 are written after them, and one String.fromCharCode makes
 * the id as one flat string (the header writer then copies it char by char).
 */
export function createOffsetMessageId(storeHost: Buffer, commitLogOffset: number): string {
  if (!Number.isSafeInteger(commitLogOffset)) throw new LongRangeError(`${commitLogOffset} is not a safe integer`);
  if (!isLastHost(storeHost)) {
    lastHost = Buffer.from(storeHost);
    idCodes = Array.from(storeHost.toString('hex').toUpperCase(), (digit) => digit.charCodeAt(0)).concat(new Array<number>(16).fill(0));
  }
  // Two's complement halves, as an int64 of the offset: the high half of a negative one wraps through >>>.
  const high = Math.floor(commitLogOffset / TWO_POW_32);
  const at = idCodes.length - 16;
  putHex8(high, at);
  putHex8(commitLogOffset - high * TWO_POW_32, at + 8);
  return String.fromCharCode.apply(null, idCodes);
}

/** Splits an offset message id into the store address ("ip:port") and the CommitLog offset. */
export function decodeOffsetMessageId(id: string): { storeAddress: string; commitLogOffset: number } {
  const hexLength = (IPV4_ADDRESS_BYTES + 8) * 2;
  const hexLength6 = (IPV6_ADDRESS_BYTES + 8) * 2;
  if ((id.length !== hexLength && id.length !== hexLength6) || !/^[0-9a-fA-F]+$/.test(id)) {
    throw new MessageIdError(`"${id}" is not an offset message id`);
  }
  const bytes = Buffer.from(id, 'hex');
  const hostLength = bytes.length - 8;
  return {
    storeAddress: formatSocketAddress(bytes, 0, hostLength),
    commitLogOffset: readLong(bytes, hostLength),
  };
}

function monthStart(now: number): { start: number; next: number } {
  const date = new Date(now);
  const start = new Date(date.getFullYear(), date.getMonth(), 1).getTime();
  const next = new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime();
  return { start, next };
}

/** Makes UNIQ_KEY values for one process, as MessageClientIDSetter.createUniqID does. */
export class UniqueIdGenerator {
  private readonly prefix: string;
  private counter = 0;
  private monthStartMs: number;
  private nextMonthStartMs: number;

  /** `ip` is 4 or 16 bytes; `salt` stands in for Java's class-loader hash code. */
  constructor(ip: Buffer, pid: number, salt: number, now: number) {
    const fixed = Buffer.alloc(ip.length + 6);
    ip.copy(fixed, 0);
    fixed.writeUInt16BE(pid & 0xffff, ip.length);
    fixed.writeInt32BE(salt | 0, ip.length + 2);
    this.prefix = fixed.toString('hex').toUpperCase();
    ({ start: this.monthStartMs, next: this.nextMonthStartMs } = monthStart(now));
  }

  next(now: number): string {
    if (now >= this.nextMonthStartMs) {
      ({ start: this.monthStartMs, next: this.nextMonthStartMs } = monthStart(now));
    }
    const elapsed = Math.max(0, now - this.monthStartMs) >>> 0;
    const counter = this.counter;
    this.counter = (this.counter + 1) & 0xffff;
    // One flat string of the 12 varying hex digits (no toString/toUpperCase/padStart strings each).
    const tail = String.fromCharCode(
      HEX[elapsed >>> 28] as number,
      HEX[(elapsed >>> 24) & 15] as number,
      HEX[(elapsed >>> 20) & 15] as number,
      HEX[(elapsed >>> 16) & 15] as number,
      HEX[(elapsed >>> 12) & 15] as number,
      HEX[(elapsed >>> 8) & 15] as number,
      HEX[(elapsed >>> 4) & 15] as number,
      HEX[elapsed & 15] as number,
      HEX[(counter >>> 12) & 15] as number,
      HEX[(counter >>> 8) & 15] as number,
      HEX[(counter >>> 4) & 15] as number,
      HEX[counter & 15] as number,
    );
    return this.prefix + tail;
  }
}

/** Character codes of the uppercase hex digits. */
const HEX: readonly number[] = Array.from('0123456789ABCDEF', (digit) => digit.charCodeAt(0));
