/**
 * server.ts: a TCP server whose connections speak RocketMQ remoting. It owns the listening
 * socket and the set of live connections; what requests mean is the dispatcher's business.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { RemotingCommand } from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import { Connection, type ConnectionOptions } from './connection.js';

export interface RemotingServerOptions extends Omit<ConnectionOptions, 'onRequest'> {
  readonly onRequest: (connection: Connection, request: RemotingCommand) => void;
  readonly onConnect?: (connection: Connection) => void;
  readonly onDisconnect?: (connection: Connection, reason: string) => void;
  /** Most connections at once; more are refused (closed at once) with a warning. */
  readonly connectionsMax?: number;
}

export class RemotingServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly logger: Logger;

  constructor(private readonly options: RemotingServerOptions) {
    this.logger = options.logger;
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (error) => this.logger.error({ err: error }, 'remoting server error'));
  }

  /** Listens on `port` (0 picks a free one) and resolves the bound port. */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen({ port, host }, () => {
        this.server.off('error', onError);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Stops listening and closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close('server shutting down');
    await closed;
  }

  private accept(socket: Socket): void {
    if (this.connections.size >= (this.options.connectionsMax ?? 65536)) {
      this.logger.warn({ peer: socket.remoteAddress }, 'refusing a connection: too many connections');
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, this.options);
    this.connections.add(connection);
    connection.onClose((reason) => {
      this.connections.delete(connection);
      this.logger.debug({ peer: connection.remoteAddress, reason }, 'connection closed');
      this.options.onDisconnect?.(connection, reason);
    });
    this.options.onConnect?.(connection);
  }
}
