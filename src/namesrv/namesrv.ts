/**
 * namesrv.ts: wiring of the name server (NamesrvController.java). It owns the listening socket,
 * the dispatcher, the timer that expires silent brokers and the live connections by id; the
 * state lives in RouteTable and KVConfig, the request logic in handlers/.
 *
 * Invariants: a broker is unregistered when the connection it registered over closes, and when
 * it has not registered (or sent a heartbeat) for its heartbeat timeout (120 s unless it said
 * otherwise), checked every scanNotActiveBrokerInterval; an expired broker's connection is closed,
 * as Java does. Name servers never talk to each other: each one learns everything from brokers.
 * Must not: hold route state itself, or answer requests outside the dispatcher.
 */
import type { Logger } from '../log/index.js';
import { Dispatcher, RemotingServer, type Connection } from '../remoting/index.js';
import { systemClock, type Clock } from '../time/index.js';
import type { NamesrvConfig } from './config.js';
import { NamesrvConfigStore } from './config-store.js';
import { namesrvHandlers, type NamesrvContext } from './handlers/table.js';
import { KVConfig } from './kv-config.js';
import { RouteTable } from './route-table.js';

export interface NameServerOptions {
  readonly config: NamesrvConfig;
  readonly logger: Logger;
  /** Time of registrations and expiry; the system clock when omitted. */
  readonly clock?: Clock;
}

type State = 'NEW' | 'STARTING' | 'RUNNING' | 'STOPPED';

export class NameServer {
  /** The configuration in force (UPDATE_NAMESRV_CONFIG changes it at run time). */
  private readonly configStore: NamesrvConfigStore;
  /** The route state; read it in tests, change it only through requests. */
  readonly routes: RouteTable;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly connections = new Map<number, Connection>();
  private server: RemotingServer | undefined;
  private kv: KVConfig | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private state: State = 'NEW';
  private boundPort = 0;

  constructor(options: NameServerOptions) {
    this.configStore = new NamesrvConfigStore(options.config);
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.routes = new RouteTable({
      clock: this.clock,
      deleteTopicWithBrokerRegistration: this.config.deleteTopicWithBrokerRegistration,
      supportActingMaster: this.config.supportActingMaster,
    });
  }

  /** Loads the KV config, listens on listenPort (0 picks a free one) and starts the expiry scan. */
  async start(): Promise<void> {
    if (this.state !== 'NEW') throw new Error(`name server cannot start: it is ${this.state}`);
    this.state = 'STARTING';
    try {
      this.kv = await KVConfig.load(this.config.kvConfigPath);
      const store = this.configStore;
      const ctx: NamesrvContext = {
        get config() {
          return store.config;
        },
        configStore: store,
        routes: this.routes,
        kv: this.kv,
        clock: this.clock,
        logger: this.logger,
        startedAtMs: this.clock.now(),
      };
      const dispatcher = new Dispatcher(namesrvHandlers, ctx, this.logger);
      const server = new RemotingServer({
        logger: this.logger,
        onRequest: (connection, request) => dispatcher.dispatch(connection, request),
        onConnect: (connection) => this.connections.set(connection.id, connection),
        onDisconnect: (connection, reason) => this.onDisconnect(connection, reason),
      });
      this.server = server;
      this.boundPort = await server.listen(this.config.listenPort, this.config.bindAddress);
    } catch (error) {
      this.state = 'STOPPED';
      await this.server?.close().catch(() => undefined);
      throw error;
    }
    this.scanTimer = setInterval(() => this.scanNotActiveBroker(), this.config.scanNotActiveBrokerInterval);
    this.scanTimer.unref();
    this.state = 'RUNNING';
    this.logger.info({ port: this.boundPort, kvConfigPath: this.config.kvConfigPath }, 'name server started');
  }

  get config(): NamesrvConfig {
    return this.configStore.config;
  }

  /** The port listened on (the real one when listenPort is 0); 0 before start. */
  get port(): number {
    return this.boundPort;
  }

  /** Unregisters brokers silent for longer than their heartbeat timeout; answers how many. */
  scanNotActiveBroker(): number {
    const expired = this.routes.expireInactiveBrokers();
    for (const broker of expired) {
      this.logger.warn({ cluster: broker.clusterName, brokerAddr: broker.brokerAddr, timeoutMs: broker.heartbeatTimeoutMs }, 'the broker channel expired');
      this.connections.get(broker.connectionId)?.close('broker registration expired');
    }
    return expired.length;
  }

  /** Stops the scan, closes every connection and the listener, and waits for pending KV writes. */
  async shutdown(): Promise<void> {
    if (this.state === 'STOPPED' || this.state === 'NEW') {
      this.state = 'STOPPED';
      return;
    }
    this.state = 'STOPPED';
    clearInterval(this.scanTimer);
    await this.server?.close();
    await this.kv?.flush();
    await this.configStore.flush();
    this.logger.info('name server stopped');
  }

  private onDisconnect(connection: Connection, reason: string): void {
    this.connections.delete(connection.id);
    for (const broker of this.routes.connectionClosed(connection.id)) {
      this.logger.info({ cluster: broker.clusterName, brokerAddr: broker.brokerAddr, reason }, 'the broker\'s channel closed; broker unregistered');
    }
  }
}
