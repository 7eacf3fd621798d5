/**
 * transport.ts: the client's connections to name servers and brokers, over remoting's
 * RemotingClient, with two additions:
 * - bounded reconnect back-off: after a failed connect, calls to that address fail at once for
 *   RECONNECT_BACKOFF_BASE_MS, doubling per further failure up to RECONNECT_BACKOFF_MAX_MS, so a
 *   dead broker costs no connect attempt per request; a success clears it;
 * - a hook when a new connection to an address is made (Java's onChannelActive), called before the
 *   request that made it is written, so the client can send its heartbeat first.
 *
 * Requests go out with language JAVA and version V5_3_3 (see CLIENT_VERSION); failures come back
 * as MQClientError only.
 */
import { RemotingClient, type Connection, type OutgoingRequest, type ResponseHandler } from '../../remoting/index.js';
import type { RemotingCommand, SerializeType } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { ClientErrorCode, MQClientError, toClientError } from '../errors.js';

/**
 * MQVersion.Version.V5_3_3's ordinal. Name servers answer clients from V4_9_4 (401) on with
 * standard JSON routes, and Java 4.x and 5.x brokers accept any version.
 */
export const CLIENT_VERSION = 479;
/**
 * The language we announce. Java 4.x brokers read it into an enum without NODE_JS, and fastjson
 * turns an unknown name into null there, so we say JAVA, as ali-ons does; our own servers only log it.
 */
export const CLIENT_LANGUAGE = 'JAVA';

export const RECONNECT_BACKOFF_BASE_MS = 200;
export const RECONNECT_BACKOFF_MAX_MS = 5_000;

interface Backoff {
  failures: number;
  retryAt: number;
}

export interface ClientTransportOptions {
  readonly logger: Logger;
  readonly onRequest: (connection: Connection, request: RemotingCommand) => void;
  /** Called with each new connection, before anything else is written on it. */
  readonly onNewConnection: (address: string, connection: Connection) => void;
  readonly now?: () => number;
  /** Header encoding of our requests; JSON when absent. */
  readonly serializeType?: SerializeType;
}

export class ClientTransport {
  private readonly remoting: RemotingClient;
  private readonly known = new Map<string, Connection>();
  private readonly backoff = new Map<string, Backoff>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: ClientTransportOptions) {
    this.now = options.now ?? Date.now;
    this.remoting = new RemotingClient({
      logger: options.logger,
      onRequest: options.onRequest,
      language: CLIENT_LANGUAGE,
      version: CLIENT_VERSION,
      ...(options.serializeType === undefined ? {} : { serializeType: options.serializeType }),
    });
  }

  /** The connection to `address`, made when there is none (unless in back-off). */
  async connection(address: string): Promise<Connection> {
    if (this.closed) throw new MQClientError(ClientErrorCode.CONNECT_BROKER_EXCEPTION, 'the client is shut down', { retriable: false });
    const state = this.backoff.get(address);
    if (state !== undefined && this.now() < state.retryAt) {
      throw new MQClientError(
        ClientErrorCode.CONNECT_BROKER_EXCEPTION,
        `connect to ${address} failed ${state.failures} time(s); next attempt in ${state.retryAt - this.now()} ms`,
      );
    }
    let connection: Connection;
    try {
      connection = await this.remoting.connection(address);
    } catch (error) {
      const failures = (state?.failures ?? 0) + 1;
      const delay = Math.min(RECONNECT_BACKOFF_BASE_MS * 2 ** (failures - 1), RECONNECT_BACKOFF_MAX_MS);
      this.backoff.set(address, { failures, retryAt: this.now() + delay });
      throw toClientError(error, address);
    }
    this.backoff.delete(address);
    if (this.known.get(address) !== connection) {
      this.known.set(address, connection);
      connection.onClose(() => {
        if (this.known.get(address) === connection) this.known.delete(address);
      });
      this.options.onNewConnection(address, connection);
    }
    return connection;
  }

  /** Sends a request and waits for its response, whatever its code. Rejects with MQClientError. */
  invoke(address: string, request: OutgoingRequest, timeoutMs: number): Promise<RemotingCommand> {
    const known = this.known.get(address);
    // The hot path (a live connection) writes at once, without a detour through the event loop.
    const pending = known !== undefined && !known.closed && !this.closed ? known.invoke(request, timeoutMs) : this.connection(address).then((connection) => connection.invoke(request, timeoutMs));
    return pending.catch((error: unknown) => {
      throw toClientError(error, address);
    });
  }

  /**
   * invoke() with a handler instead of a promise (see Connection.invokeWith). The error is the raw
   * remoting or connect error: the handler makes it an MQClientError (toClientError with the address).
   */
  invokeWith(address: string, request: OutgoingRequest, timeoutMs: number, handler: ResponseHandler, now?: number): void {
    const known = this.known.get(address);
    if (known !== undefined && !known.closed && !this.closed) {
      known.invokeWith(request, timeoutMs, handler, now);
      return;
    }
    this.connection(address).then(
      (connection) => connection.invokeWith(request, timeoutMs, handler),
      (error: unknown) => handler.onError(error instanceof Error ? error : new Error(String(error))),
    );
  }

  /** Writes a request marked oneway. Throws MQClientError when there is no connection. */
  async invokeOneway(address: string, request: OutgoingRequest): Promise<void> {
    const connection = await this.connection(address);
    connection.invokeOneway(request);
  }

  /** True while `address` has a live connection. */
  isConnected(address: string): boolean {
    return this.known.has(address);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.known.clear();
    await this.remoting.close();
  }
}
