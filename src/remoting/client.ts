/**
 * client.ts: connections to many servers by address ("ip:port"), made on first use and
 * remade after a close. Requests the servers send us (CHECK_TRANSACTION_STATE,
 * NOTIFY_CONSUMER_IDS_CHANGED, ...) go to `onRequest`.
 */
import { connect, type Socket } from 'node:net';
import type { RemotingCommand } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import { Connection, type ConnectionOptions, type OutgoingRequest } from './connection.js';
import { RemotingConnectError } from './errors.js';

export interface RemotingClientOptions extends Omit<ConnectionOptions, 'onRequest'> {
  readonly onRequest?: (connection: Connection, request: RemotingCommand) => void;
  readonly connectTimeoutMs?: number;
}

export class RemotingClient {
  private readonly connections = new Map<string, Promise<Connection>>();
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly options: RemotingClientOptions) {
    this.logger = options.logger;
  }

  /** The live connection to `address`, connecting when there is none. */
  connection(address: string): Promise<Connection> {
    if (this.closed) return Promise.reject(new RemotingConnectError(address, { cause: new Error('client closed') }));
    let connection = this.connections.get(address);
    if (connection === undefined) {
      connection = this.connect(address);
      this.connections.set(address, connection);
      const attempt = connection;
      // Forget a failed attempt, but not a newer connection made after a disconnect().
      attempt.catch(() => {
        if (this.connections.get(address) === attempt) this.connections.delete(address);
      });
    }
    return connection;
  }

  async invoke(address: string, request: OutgoingRequest, timeoutMs: number): Promise<RemotingCommand> {
    const connection = await this.connection(address);
    return connection.invoke(request, timeoutMs);
  }

  async invokeOneway(address: string, request: OutgoingRequest): Promise<void> {
    const connection = await this.connection(address);
    connection.invokeOneway(request);
  }

  /** Closes the connection to one address (the next call reconnects). */
  async disconnect(address: string): Promise<void> {
    const connection = this.connections.get(address);
    this.connections.delete(address);
    if (connection) (await connection.catch(() => undefined))?.close('disconnected locally');
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.connections.values()];
    this.connections.clear();
    for (const connection of await Promise.allSettled(all)) {
      if (connection.status === 'fulfilled') connection.value.close('client closed');
    }
  }

  private connect(address: string): Promise<Connection> {
    const colon = address.lastIndexOf(':');
    const host = address.slice(0, colon).replace(/^\[|\]$/g, '');
    const port = Number(address.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) {
      return Promise.reject(new RemotingConnectError(address, { cause: new Error('not an ip:port address') }));
    }
    return new Promise((resolve, reject) => {
      const socket: Socket = connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new RemotingConnectError(address, { cause: new Error(`no connection in ${this.options.connectTimeoutMs ?? 3000} ms`) }));
      }, this.options.connectTimeoutMs ?? 3000);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(new RemotingConnectError(address, { cause: error }));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        const connection = new Connection(socket, {
          ...this.options,
          onRequest: this.options.onRequest ?? ((conn, request) => {
            this.logger.debug({ peer: conn.remoteAddress, code: request.code }, 'ignoring a request from a server');
            conn.requestDone();
          }),
        });
        connection.onClose((reason) => {
          this.logger.debug({ peer: address, reason }, 'client connection closed');
          // The entry may already be a newer attempt that failed: ignore its rejection here
          // (its own catch removes it), or it would surface as an unhandled rejection.
          void this.connections.get(address)?.then(
            (current) => {
              if (current === connection) this.connections.delete(address);
            },
            () => undefined,
          );
        });
        resolve(connection);
      });
    });
  }
}
