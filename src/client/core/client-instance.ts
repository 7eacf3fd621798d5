/**
 * client-instance.ts: what RocketMQ's MQClientInstance does for one Producer or consumer object:
 * the connections, the route of every topic in use (refreshed every pollNameServerInterval from any
 * live name server, failing over between them), heartbeats to every broker (every
 * heartbeatBrokerInterval, and first thing on each new connection), the periodic commit of
 * offsets, the rebalance service, and the answers to what brokers ask of clients.
 *
 * Each public client object owns one instance (the simplest correct design): its client id
 * ip@instanceName is unique because instanceName "DEFAULT" becomes "<pid>#<n>" where Java uses
 * pid#nanoTime (broadcasting consumers keep DEFAULT, so their offsets file survives restarts).
 *
 * Invariants: at most one rebalance runs at a time (a request during one runs once after it); no
 * timer outlives shutdown(); a failing timer task is logged, never thrown.
 */
import { RequestCode, SerializeType, type ConsumerData, type QueueOffsetEntry, type TopicRouteData } from '../../protocol/index.js';
import { Dispatcher, type Connection } from '../../remoting/index.js';
import type { Logger } from '../../log/index.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import { splitNamesrvAddr } from '../options.js';
import { RouteTable } from '../route/route-table.js';
import { capQueueNums, type TopicPublishInfo } from '../route/topic-route.js';
import type { ConsumerAdminView } from '../consumer/admin-view.js';
import { brokerRequestHandlers, type TransactionCheck } from './broker-requests.js';
import type { DirectConsumer } from '../consumer/consume-directly.js';
import { ClientApi } from './client-api.js';
import { ClientTransport } from './transport.js';

export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';

export interface ClientInstanceOptions {
  readonly namesrvAddr: string;
  readonly clientIP: string;
  readonly instanceName: string;
  readonly pollNameServerInterval: number;
  readonly heartbeatBrokerInterval: number;
  readonly persistConsumerOffsetInterval: number;
  readonly mqClientApiTimeout: number;
  readonly serializeType: 'JSON' | 'ROCKETMQ';
  readonly logger: Logger;
  /** Rebalance interval of the consumer this instance serves (RebalanceService). */
  readonly rebalanceInterval?: number;
}

/** What an instance knows of a producer; a TransactionProducer also answers CHECK_TRANSACTION_STATE. */
export interface ProducerInner {
  publishTopics(): Iterable<string>;
  checkTransactionState?(check: TransactionCheck): void;
}

export interface ConsumerInner extends DirectConsumer {
  readonly groupName: string;
  consumerData(): ConsumerData;
  subscribedTopics(): Iterable<string>;
  doRebalance(): Promise<void>;
  persistConsumerOffset(): Promise<void>;
  /** RESET_CONSUMER_CLIENT_OFFSET: start the topic's queues again at these offsets. */
  resetOffset(topic: string, offsets: readonly QueueOffsetEntry[]): Promise<void>;
  /** GET_CONSUMER_RUNNING_INFO / GET_CONSUMER_STATUS_FROM_CLIENT: the consumer as it is now. */
  adminView?(): Promise<ConsumerAdminView>;
}

let instanceCounter = 0;

/**
 * The client-id/group pairs started in this process. Java's one MQClientInstance per client id
 * refuses a second consumer or producer of a group; our instances are per object, so they share
 * this table instead (two broadcasting consumers with one client id would share an offsets file).
 */
const startedGroups = new Set<string>();

/** ClientConfig.changeInstanceNameToPID, unique per object in this process. */
export function uniqueInstanceName(instanceName: string): string {
  return instanceName === 'DEFAULT' ? `${process.pid}#${++instanceCounter}` : instanceName;
}

export class ClientInstance {
  readonly clientId: string;
  readonly api: ClientApi;
  readonly routes = new RouteTable();
  readonly logger: Logger;
  private readonly transport: ClientTransport;
  private readonly namesrvs: string[];
  private namesrvIndex: number;
  private readonly producers = new Map<string, ProducerInner>();
  private readonly consumers = new Map<string, ConsumerInner>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly heartbeating = new Set<string>();
  private rebalancing: Promise<void> | undefined;
  private rebalanceAgain = false;
  private state: 'CREATED' | 'RUNNING' | 'SHUTDOWN' = 'CREATED';

  constructor(private readonly options: ClientInstanceOptions) {
    this.logger = options.logger;
    this.clientId = `${options.clientIP}@${options.instanceName}`;
    this.namesrvs = splitNamesrvAddr(options.namesrvAddr);
    if (this.namesrvs.length === 0) {
      throw new MQClientError(ClientErrorCode.NO_NAME_SERVER_EXCEPTION, 'No name server address, please set it (namesrvAddr or NAMESRV_ADDR).', { retriable: false });
    }
    this.namesrvIndex = Math.floor(Math.random() * this.namesrvs.length);
    const dispatcher = new Dispatcher(brokerRequestHandlers, this, this.logger);
    this.transport = new ClientTransport({
      logger: this.logger,
      onRequest: (connection, request) => dispatcher.dispatch(connection, request),
      onNewConnection: (address, connection) => this.onNewConnection(address, connection),
      serializeType: SerializeType[options.serializeType],
    });
    this.api = new ClientApi(this.transport);
  }

  get running(): boolean {
    return this.state === 'RUNNING';
  }

  registerProducer(group: string, producer: ProducerInner): void {
    if (this.producers.has(group)) throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, `The producer group[${group}] has been created before, specify another name please.`);
    this.producers.set(group, producer);
  }

  registerConsumer(consumer: ConsumerInner): void {
    if (this.consumers.has(consumer.groupName)) {
      throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, `The consumer group[${consumer.groupName}] has been created before, specify another name please.`);
    }
    this.consumers.set(consumer.groupName, consumer);
  }

  consumer(group: string): ConsumerInner | undefined {
    return this.consumers.get(group);
  }

  producer(group: string): ProducerInner | undefined {
    return this.producers.get(group);
  }

  private groupKeys(): string[] {
    // Every consumer has the inner producer: Java shares it within an instance, so it is no conflict.
    const producers = [...this.producers.keys()].filter((group) => group !== CLIENT_INNER_PRODUCER_GROUP);
    return [...[...this.consumers.keys()].map((group) => `${this.clientId}\u0000C\u0000${group}`), ...producers.map((group) => `${this.clientId}\u0000P\u0000${group}`)];
  }

  /**
   * Starts the scheduled tasks (MQClientInstance.startScheduledTask and the rebalance service).
   * Throws when another started client of this process has the same client id and group.
   */
  start(): void {
    if (this.state !== 'CREATED') return;
    const keys = this.groupKeys();
    const taken = keys.find((key) => startedGroups.has(key));
    if (taken !== undefined) {
      const group = taken.split('\u0000')[2] ?? '';
      throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, `The group[${group}] has been created before in this process with client id ${this.clientId}, specify another instanceName please.`, { retriable: false });
    }
    for (const key of keys) startedGroups.add(key);
    this.state = 'RUNNING';
    // First runs as Java's: routes after 10 ms, a heartbeat after 1 s, offsets after 10 s.
    this.every(10, this.options.pollNameServerInterval, () => this.updateAllTopicRoutes());
    this.every(1000, this.options.heartbeatBrokerInterval, async () => {
      this.routes.cleanOfflineBrokers();
      await this.sendHeartbeatToAllBrokers();
    });
    if (this.consumers.size > 0) {
      const persistMs = this.options.persistConsumerOffsetInterval;
      this.every(Math.min(10_000, persistMs), persistMs, () => this.persistAllConsumerOffset());
      const rebalanceMs = this.options.rebalanceInterval ?? 20_000;
      this.every(rebalanceMs, rebalanceMs, async () => this.rebalanceImmediately());
    }
  }

  /** Runs `task` after `firstMs`, then every `intervalMs`; a run still going skips a tick. */
  private every(firstMs: number, intervalMs: number, task: () => Promise<void> | void): void {
    let busy = false;
    const run = (): void => {
      if (busy || this.state !== 'RUNNING') return;
      busy = true;
      void (async () => task())()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'client scheduled task failed'))
        .finally(() => {
          busy = false;
        });
    };
    const first = setTimeout(() => {
      run();
      if (this.state === 'RUNNING') this.timers.push(setInterval(run, intervalMs));
    }, firstMs);
    this.timers.push(first);
  }

  /** Stops the tasks, unregisters every group from every broker and closes the connections. */
  async shutdown(): Promise<void> {
    if (this.state === 'SHUTDOWN') return;
    if (this.state === 'RUNNING') for (const key of this.groupKeys()) startedGroups.delete(key);
    this.state = 'SHUTDOWN';
    for (const timer of this.timers.splice(0)) clearTimeout(timer);
    await this.rebalancing?.catch(() => undefined);
    const groups = [
      ...[...this.producers.keys()].map((producerGroup) => ({ producerGroup })),
      ...[...this.consumers.keys()].map((consumerGroup) => ({ consumerGroup })),
    ];
    await Promise.all(groups.map((group) => this.unregisterClient(group)));
    await this.transport.close();
  }

  private async unregisterClient(group: { producerGroup?: string; consumerGroup?: string }): Promise<void> {
    await Promise.all(
      this.routes.brokerNodes().map(async ([, , address]) => {
        if (!this.transport.isConnected(address)) return;
        await this.api.unregisterClient(address, this.clientId, group, this.options.mqClientApiTimeout).catch((error: unknown) => {
          this.logger.warn({ err: error, broker: address }, 'unregister client failed');
        });
      }),
    );
  }

  /** Asks the name servers in turn, starting with the last one that answered. */
  async fetchTopicRoute(topic: string): Promise<TopicRouteData | undefined> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.namesrvs.length; attempt++) {
      const index = (this.namesrvIndex + attempt) % this.namesrvs.length;
      const address = this.namesrvs[index] ?? '';
      try {
        const route = await this.api.getTopicRouteInfo(address, topic, this.options.mqClientApiTimeout);
        this.namesrvIndex = index;
        return route;
      } catch (error) {
        lastError = error;
        // A name server that answered with an error code is alive: do not ask the next one.
        if (error instanceof MQClientError && error.code < 10000 && error.code !== ClientErrorCode.ILLEGAL_ARGUMENT) throw error;
      }
    }
    throw lastError instanceof MQClientError ? lastError : new MQClientError(ClientErrorCode.NO_NAME_SERVER_EXCEPTION, 'no name server answered');
  }

  /** updateTopicRouteInfoFromNameServer(topic): true when the route changed. Failures keep the old route. */
  async updateTopicRouteInfoFromNameServer(topic: string): Promise<boolean> {
    try {
      const route = await this.fetchTopicRoute(topic);
      if (route === undefined) return false;
      return this.routes.update(topic, route);
    } catch (error) {
      this.logger.warn({ err: error, topic }, 'route refresh failed');
      return false;
    }
  }

  /** The publish queues of `topic`, trying the TBW102 template when the topic has no route yet (tryToFindTopicPublishInfo). */
  async tryToFindTopicPublishInfo(topic: string, createTopicKey: string, defaultTopicQueueNums: number): Promise<TopicPublishInfo | undefined> {
    const known = this.routes.publishInfo(topic);
    if (known?.ok) return known;
    await this.updateTopicRouteInfoFromNameServer(topic);
    const fetched = this.routes.publishInfo(topic);
    if (fetched?.ok) return fetched;
    const template = await this.fetchTopicRoute(createTopicKey).catch(() => undefined);
    if (template !== undefined) this.routes.update(topic, capQueueNums(template, defaultTopicQueueNums));
    return this.routes.publishInfo(topic);
  }

  private async updateAllTopicRoutes(): Promise<void> {
    const topics = new Set<string>();
    for (const consumer of this.consumers.values()) for (const topic of consumer.subscribedTopics()) topics.add(topic);
    for (const producer of this.producers.values()) for (const topic of producer.publishTopics()) topics.add(topic);
    for (const topic of topics) await this.updateTopicRouteInfoFromNameServer(topic);
  }

  /** The client ids of a group, asked of a broker of the topic (findConsumerIdList). */
  async findConsumerIdList(topic: string, group: string): Promise<string[] | undefined> {
    let address = this.routes.anyBrokerAddressOfTopic(topic);
    if (address === undefined) {
      await this.updateTopicRouteInfoFromNameServer(topic);
      address = this.routes.anyBrokerAddressOfTopic(topic);
    }
    if (address === undefined) return undefined;
    try {
      return await this.api.getConsumerIdListByGroup(address, group, this.options.mqClientApiTimeout);
    } catch (error) {
      this.logger.warn({ err: error, broker: address, group }, 'getConsumerIdListByGroup failed');
      return undefined;
    }
  }

  /** HeartbeatData as Java's prepareHeartbeatData builds it. Undefined when there is nobody to announce. */
  heartbeatBody(): Buffer | undefined {
    const consumerDataSet = [...this.consumers.values()].map((consumer) => consumer.consumerData());
    const producerDataSet = [...this.producers.keys()].map((groupName) => ({ groupName }));
    if (consumerDataSet.length === 0 && producerDataSet.length === 0) return undefined;
    return Buffer.from(JSON.stringify({ clientID: this.clientId, consumerDataSet, heartbeatFingerprint: 0, producerDataSet, withoutSub: false }));
  }

  /** Heartbeat to every broker node; producer-only clients skip slaves (sendHeartbeatToAllBroker). */
  async sendHeartbeatToAllBrokers(): Promise<boolean> {
    const body = this.heartbeatBody();
    if (body === undefined) return false;
    const nodes = this.routes.brokerNodes().filter(([, id]) => this.consumers.size > 0 || id === '0');
    const results = await Promise.all(nodes.map(([, , address]) => this.sendHeartbeat(address, body)));
    return results.some(Boolean);
  }

  private async sendHeartbeat(address: string, body: Buffer): Promise<boolean> {
    this.heartbeating.add(address);
    try {
      await this.api.sendHeartbeat(address, body, this.options.mqClientApiTimeout);
      return true;
    } catch (error) {
      this.logger.warn({ err: error, broker: address }, 'heartbeat failed');
      return false;
    } finally {
      this.heartbeating.delete(address);
    }
  }

  /** Java's onChannelActive: a new broker connection gets our heartbeat before any other request. */
  private onNewConnection(address: string, connection: Connection): void {
    if (this.heartbeating.has(address) || !this.routes.isBrokerAddress(address)) return;
    const body = this.heartbeatBody();
    if (body === undefined) return;
    connection.invoke({ code: RequestCode.HEART_BEAT, extFields: {}, body }, this.options.mqClientApiTimeout).catch((error: unknown) => {
      this.logger.debug({ err: error, broker: address }, 'heartbeat on a new connection failed');
    });
  }

  /** RebalanceService.wakeup: one rebalance now, or once more after the one running. */
  rebalanceImmediately(): void {
    if (this.state !== 'RUNNING') return;
    if (this.rebalancing !== undefined) {
      this.rebalanceAgain = true;
      return;
    }
    this.rebalancing = (async () => {
      do {
        this.rebalanceAgain = false;
        for (const consumer of this.consumers.values()) {
          await consumer.doRebalance().catch((error: unknown) => this.logger.warn({ err: error, group: consumer.groupName }, 'rebalance failed'));
        }
      } while (this.rebalanceAgain && this.state === 'RUNNING');
    })().finally(() => {
      this.rebalancing = undefined;
    });
  }

  /** Waits for the rebalance in progress, if any. */
  async rebalanceSettled(): Promise<void> {
    await this.rebalancing;
  }

  private async persistAllConsumerOffset(): Promise<void> {
    for (const consumer of this.consumers.values()) await consumer.persistConsumerOffset();
  }
}
