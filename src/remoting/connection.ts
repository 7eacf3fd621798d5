/**
 * connection.ts: one TCP connection speaking RocketMQ remoting, used the same way by servers
 * and clients: either side may send requests (matched to responses by `opaque`) and answer the
 * other's. Invariants:
 * - a FrameError closes the connection (the stream cannot be trusted after it); nothing else does;
 * - at most `pendingRequestsMax` of our requests wait for a response; more are refused at once;
 * - back-pressure: while the socket's write buffer is over `writeHighWaterBytes`, or more than
 *   `inFlightRequestsMax` of the peer's requests are being handled, we stop reading from the peer;
 *   a peer that lets `writeBufferBytesMax` pile up unread is disconnected.
 */
import type { Socket } from 'node:net';
import {
  binaryResponseOpaque,
  createRequestCommand,
  decodeFrame,
  describeRequestCode,
  encodeFrame,
  FrameDecoder,
  FrameError,
  isResponse,
  RemotingFlag,
  SerializeType,
  type ExtFields,
  type RemotingCommand,
  type TypedHeader,
} from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import { RemotingClosedError, RemotingTimeoutError, RemotingTooMuchRequestError } from './errors.js';
import { PendingTable } from './pending-table.js';

const MiB = 1024 * 1024;

export interface ConnectionOptions {
  readonly logger: Logger;
  /** Called for every request the peer sends; the answer (if any) goes through `send`. */
  readonly onRequest: (connection: Connection, request: RemotingCommand) => void;
  readonly pendingRequestsMax?: number;
  readonly inFlightRequestsMax?: number;
  readonly writeHighWaterBytes?: number;
  readonly writeBufferBytesMax?: number;
  /** `language` written in our requests. */
  readonly language?: string;
  /** `version` written in our requests (an MQVersion ordinal). */
  readonly version?: number;
  /** Header encoding of our requests (RocketMQ's rocketmq.serialize.type); JSON by default. Answers use the request's. */
  readonly serializeType?: SerializeType;
  /**
   * Request codes whose handler reads a ROCKETMQ binary header in place (HeaderCodec.readBinary):
   * such a request keeps its frame and its extFields are decoded only if asked for (decodeFrame).
   */
  readonly readsInPlace?: (code: number) => boolean;
}

export const CONNECTION_DEFAULTS = {
  pendingRequestsMax: 65536,
  inFlightRequestsMax: 65536,
  writeHighWaterBytes: 4 * MiB,
  writeBufferBytesMax: 64 * MiB,
} as const;

/** A request before it is sent: the connection fills in opaque, flag, language and version. */
export interface OutgoingRequest {
  readonly code: number;
  /** A typed header (HeaderCodec.typed), written before extFields without a string per field. */
  readonly typedHeader?: TypedHeader;
  readonly extFields?: ExtFields;
  readonly body?: Buffer | undefined;
  readonly remark?: string;
}

/** Receives the outcome of one request (invokeWith): exactly one call, never synchronously from invokeWith. */
export interface ResponseHandler {
  onResponse(response: RemotingCommand): void;
  onError(error: Error): void;
  /**
   * Optional: reads a response whose header is ROCKETMQ binary straight from its frame (the bytes
   * after the length field), without the generic decode. True: it took the frame, and that was
   * its one outcome. False: the frame is decoded as usual and goes to onResponse (or, when it is
   * malformed, the connection closes and onError follows).
   */
  onResponseFrame?(frame: Buffer): boolean;
}

interface Pending {
  readonly handler: ResponseHandler;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly code: number;
}

let nextConnectionId = 1;

/** The extFields of a request that has none (a typed header's send): shared, never written. */
const NO_EXT_FIELDS: ExtFields = Object.freeze({});

export class Connection {
  readonly id = nextConnectionId++;
  /** "ip:port" of the peer (IPv4-mapped IPv6 shown as IPv4). */
  readonly remoteAddress: string;
  /** "ip:port" of our end. */
  readonly localAddress: string;
  private readonly decoder = new FrameDecoder();
  /** Our requests waiting for an answer, by opaque (not a Map: see pending-table.ts). */
  private readonly pending = new PendingTable<Pending>();
  private readonly closeListeners: ((reason: string) => void)[] = [];
  private readonly options: Required<Omit<ConnectionOptions, 'language' | 'version' | 'serializeType' | 'readsInPlace'>> & { language: string; version: number };
  private readonly readsInPlace: ((code: number) => boolean) | undefined;
  private readonly serializeType: SerializeType | undefined;
  private nextOpaque = 1;
  private inFlight = 0;
  private closedReason: string | undefined;
  private pausedForWrite = false;
  /** Frames written this tick; flushed together in one writev (see write()). */
  private outgoing: Buffer[] = [];
  private flushScheduled = false;
  /** One timer for every waiting request, armed at the earliest deadline (see sweep()). */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;

  constructor(
    private readonly socket: Socket,
    options: ConnectionOptions,
  ) {
    this.options = { ...CONNECTION_DEFAULTS, language: 'JAVA', version: 479, ...options };
    this.serializeType = options.serializeType === SerializeType.ROCKETMQ ? SerializeType.ROCKETMQ : undefined;
    this.readsInPlace = options.readsInPlace;
    this.remoteAddress = formatEndpoint(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatEndpoint(socket.localAddress, socket.localPort);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.resumeIfPossible());
    socket.on('error', (error) => this.close(`socket error: ${error.message}`));
    socket.on('end', () => {
      if (this.decoder.hasPartialFrame) this.options.logger.warn({ peer: this.remoteAddress }, 'peer closed in the middle of a frame (truncated frame)');
      this.close('peer closed the connection');
    });
    socket.on('close', () => this.close('socket closed'));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  get pendingRequests(): number {
    return this.pending.size;
  }

  /** True while we have stopped reading from the peer (back-pressure). */
  get readingPaused(): boolean {
    return this.socket.isPaused();
  }

  onClose(listener: (reason: string) => void): void {
    if (this.closedReason !== undefined) listener(this.closedReason);
    else this.closeListeners.push(listener);
  }

  /** Sends a request and waits for its response (any code). Rejects on timeout or close. */
  invoke(request: OutgoingRequest, timeoutMs: number): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => this.invokeWith(request, timeoutMs, { onResponse: resolve, onError: reject }));
  }

  /**
   * invoke() for callers that keep one object per operation: `handler` gets the response (any
   * code) or the error (timeout, close, a request too large, too many waiting), later, once.
   * `now`: the caller's reading of Date.now(), when it has one (the deadline is now + timeoutMs).
   */
  invokeWith(request: OutgoingRequest, timeoutMs: number, handler: ResponseHandler, now = Date.now()): void {
    const refused = this.refusal();
    if (refused !== undefined) {
      queueMicrotask(() => handler.onError(refused));
      return;
    }
    const opaque = this.takeOpaque();
    let parts: Buffer[];
    try {
      parts = encodeFrame(this.command(request, opaque, 0));
    } catch (error) {
      // A request too large for a frame fails now rather than waiting out its timeout.
      queueMicrotask(() => handler.onError(error instanceof Error ? error : new Error(String(error))));
      return;
    }
    const deadline = now + timeoutMs;
    this.pending.set(opaque, { handler, deadline, timeoutMs, code: request.code });
    if (deadline < this.sweepAt) this.armSweep(deadline);
    this.write(parts);
  }

  /** Why a request cannot be sent now, if it cannot. */
  private refusal(): Error | undefined {
    if (this.closedReason !== undefined) return new RemotingClosedError(this.remoteAddress, this.closedReason);
    if (this.pending.size >= this.options.pendingRequestsMax) {
      return new RemotingTooMuchRequestError(`${this.pending.size} requests already wait on ${this.remoteAddress}`);
    }
    return undefined;
  }

  /** Sends a request marked oneway: the peer does not answer. */
  invokeOneway(request: OutgoingRequest): void {
    this.send(this.command(request, this.takeOpaque(), RemotingFlag.ONEWAY));
  }

  /** Writes a command (typically a response). Dropped, with a debug log, if the connection is closed. */
  send(command: RemotingCommand): void {
    if (this.closedReason !== undefined) {
      this.options.logger.debug({ peer: this.remoteAddress, opaque: command.opaque }, 'dropped a command for a closed connection');
      return;
    }
    let parts: Buffer[];
    try {
      parts = encodeFrame(command);
    } catch (error) {
      // A response too large for a frame is a bug in its producer; the connection itself is fine.
      this.options.logger.error({ err: error, code: command.code }, 'cannot encode a command');
      return;
    }
    this.write(parts);
  }

  /**
   * Queues frames for the socket. Everything written in one tick of the event loop goes out in a
   * single corked writev: a burst of pipelined requests or responses costs one syscall, not one each.
   */
  private write(parts: readonly Buffer[]): void {
    for (const part of parts) this.outgoing.push(part);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    process.nextTick(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const parts = this.outgoing;
    this.outgoing = [];
    if (this.closedReason !== undefined || parts.length === 0) return;
    this.socket.cork();
    let flushed = true;
    for (const part of parts) flushed = this.socket.write(part);
    this.socket.uncork();
    if (!flushed) this.applyWriteBackPressure();
  }

  /**
   * Timeouts of our waiting requests: one timer, armed at the earliest deadline, instead of a
   * timer per request (thousands of pipelined sends would each allocate and cancel one). When it
   * fires, every expired request is rejected and the timer re-armed at the next deadline.
   */
  private armSweep(deadline: number): void {
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepAt = deadline;
    this.sweepTimer = setTimeout(() => this.sweep(), Math.max(0, deadline - Date.now()));
  }

  private sweep(): void {
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [opaque, pending] of this.pending.entries()) {
      if (pending.deadline <= now) {
        this.pending.delete(opaque);
        pending.handler.onError(new RemotingTimeoutError(this.remoteAddress, pending.timeoutMs, describeRequestCode(pending.code)));
      } else if (pending.deadline < next) {
        next = pending.deadline;
      }
    }
    // A handler may have sent a request meanwhile (it armed the sweep at its own deadline).
    next = Math.min(next, this.sweepAt);
    if (next !== Infinity && this.closedReason === undefined) this.armSweep(next);
  }

  /** Called when a request from the peer has been answered (or dropped). */
  requestDone(): void {
    this.inFlight--;
    this.resumeIfPossible();
  }

  close(reason = 'closed locally'): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.socket.destroy();
    if (this.sweepTimer !== undefined) clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.outgoing = [];
    for (const [opaque, pending] of this.pending.entries()) {
      this.pending.delete(opaque);
      pending.handler.onError(new RemotingClosedError(this.remoteAddress, reason));
    }
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }

  private command(request: OutgoingRequest, opaque: number, flag: number): RemotingCommand {
    const { language, version } = this.options;
    const { code, remark, body, typedHeader } = request;
    const extFields = request.extFields ?? NO_EXT_FIELDS;
    if (this.serializeType === undefined) {
      const command = createRequestCommand(code, { opaque, flag, language, version, extFields, body, remark });
      return typedHeader === undefined ? command : { ...command, typedHeader };
    }
    return { code, language, version, opaque, flag, remark, extFields, typedHeader, body, serializeType: this.serializeType };
  }

  private takeOpaque(): number {
    const opaque = this.nextOpaque;
    this.nextOpaque = this.nextOpaque >= 0x7fffffff ? 1 : this.nextOpaque + 1;
    return opaque;
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (frame) => this.onFrame(frame));
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.options.logger.warn({ peer: this.remoteAddress, reason: error.message }, 'closing connection: bad frame');
      this.close(`bad frame: ${error.message}`);
    }
  }

  private onFrame(frame: Buffer): void {
    if (this.closedReason !== undefined) return;
    const opaque = binaryResponseOpaque(frame);
    if (opaque !== undefined) {
      const pending = this.pending.get(opaque);
      if (pending?.handler.onResponseFrame !== undefined) {
        // Out of the map first: whatever the handler does, it cannot get a second outcome.
        this.pending.delete(opaque);
        if (pending.handler.onResponseFrame(frame)) return;
        this.pending.set(opaque, pending);
      }
    }
    const command = decodeFrame(frame, this.readsInPlace);
    if (isResponse(command)) {
      const pending = this.pending.get(command.opaque);
      if (pending === undefined) {
        this.options.logger.debug({ peer: this.remoteAddress, opaque: command.opaque }, 'response for no waiting request');
        return;
      }
      this.pending.delete(command.opaque);
      pending.handler.onResponse(command);
      return;
    }
    this.inFlight++;
    if (this.inFlight >= this.options.inFlightRequestsMax) this.socket.pause();
    this.options.onRequest(this, command);
  }

  private applyWriteBackPressure(): void {
    if (this.socket.writableLength > this.options.writeBufferBytesMax) {
      this.options.logger.warn({ peer: this.remoteAddress, buffered: this.socket.writableLength }, 'closing connection: peer does not read');
      this.close('peer does not read its responses');
      return;
    }
    if (this.socket.writableLength > this.options.writeHighWaterBytes && !this.pausedForWrite) {
      this.pausedForWrite = true;
      this.socket.pause();
    }
  }

  private resumeIfPossible(): void {
    if (this.closedReason !== undefined) return;
    if (this.pausedForWrite && this.socket.writableLength <= this.options.writeHighWaterBytes) this.pausedForWrite = false;
    if (!this.pausedForWrite && this.inFlight < this.options.inFlightRequestsMax && this.socket.isPaused()) this.socket.resume();
  }
}

/** "ip:port", with IPv4-mapped IPv6 addresses written as IPv4. */
export function formatEndpoint(address: string | undefined, port: number | undefined): string {
  const host = address?.startsWith('::ffff:') ? address.slice(7) : (address ?? 'unknown');
  return host.includes(':') ? `[${host}]:${port ?? 0}` : `${host}:${port ?? 0}`;
}
