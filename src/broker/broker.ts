/**
 * broker.ts: wiring only. Builds the store, the managers and the remoting server, connects the
 * store's arrival events to long polling and the schedule, and client connections to the client
 * managers, runs the housekeeping timers and the name server registration, and takes it all down
 * in order: the schedule and timer services start after the store and stop (writing
 * delayOffset.json and timer/) before it.
 */
import { join } from 'node:path';
import { encodeSocketAddress, ipBytes, UniqueIdGenerator } from '../message/index.js';
import { ConfigError } from '../config/index.js';
import {
  createResponse,
  NotifyConsumerIdsChangedRequestHeader,
  RequestCode,
  ResponseCode,
  type RemotingCommand,
} from '../protocol/index.js';
import { Dispatcher, RemotingClient, RemotingServer, type Connection } from '../remoting/index.js';
import { createMessageStore, type MessageStore, type StoreConfig } from '../store/index.js';
import { systemClock, type Clock } from '../time/index.js';
import type { Logger } from '../log/index.js';
import type { BrokerConfig } from './config.js';
import type { BrokerContext } from './context.js';
import { ConsumerManager, type ConsumerGroupInfo } from './client/consumer-manager.js';
import { ProducerManager } from './client/producer-manager.js';
import { brokerHandlers } from './handlers/table.js';
import { RebalanceLockManager } from './lock/rebalance-lock-manager.js';
import { PullHoldService } from './long-poll/pull-hold-service.js';
import { ConsumerOffsetManager } from './offset/consumer-offset-manager.js';
import { NamesrvRegistrar } from './registration/namesrv-registrar.js';
import { DelayLevelTable } from './schedule/delay-levels.js';
import { ScheduleMessageService } from './schedule/schedule-message-service.js';
import { routeDelayed, scheduleAwareTagsCodeOf } from './schedule/schedule-route.js';
import { SubscriptionGroupManager } from './subscription/subscription-group-manager.js';
import { TimerMessageService } from './timer/timer-message-service.js';
import { routeTimer } from './timer/timer-route.js';
import { TopicConfigManager } from './topic/topic-config-manager.js';
import { Sql92FilterCache } from './filter/sql92-filter.js';
import { BrokerStats } from './stats/broker-stats.js';
import { RuntimeConfig } from './runtime-config/runtime-config.js';
import { TransactionalMessageService, type TransactionalMessageServiceOptions } from './transaction/transactional-message-service.js';

/** How often silent clients are looked for (ClientHousekeepingService). */
const CLIENT_SCAN_INTERVAL_MS = 10_000;
/** Port of the HA service relative to listenPort, as RocketMQ's haListenPort default. */
const HA_PORT_OFFSET = 1;

export interface BrokerOptions {
  readonly config: BrokerConfig;
  readonly storeConfig: StoreConfig;
  readonly logger: Logger;
  readonly clock?: Clock;
}

/** "host:port;host:port" into addresses (RocketMQ's namesrvAddr format). */
export function parseNamesrvAddr(text: string): string[] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export class Broker {
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly server: RemotingServer;
  private readonly namesrvClient: RemotingClient;
  private dispatcher: Dispatcher<BrokerContext> | undefined;
  private context: BrokerContext | undefined;
  private store: MessageStore | undefined;
  private registrar: NamesrvRegistrar | undefined;
  private housekeeping: NodeJS.Timeout | undefined;

  constructor(private readonly options: BrokerOptions) {
    // Unfrozen copies: UPDATE_BROKER_CONFIG changes some keys at runtime (runtime-config/).
    this.options = { ...options, config: { ...options.config }, storeConfig: { ...options.storeConfig } };
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.server = new RemotingServer({
      logger: this.logger,
      onRequest: (connection, request) => this.onRequest(connection, request),
      readsInPlace: (code) => this.dispatcher?.readsInPlace(code) === true,
      onDisconnect: (connection) => this.onDisconnect(connection),
    });
    this.namesrvClient = new RemotingClient({ logger: this.logger });
  }

  get port(): number {
    return this.server.port;
  }

  /** "brokerIP1:port", as registered with the name servers. */
  get address(): string {
    return `${this.options.config.brokerIP1}:${this.port}`;
  }

  get name(): string {
    return this.options.config.brokerName;
  }

  /** The context handlers get; for tests. */
  get ctx(): BrokerContext {
    if (this.context === undefined) throw new Error('the broker is not started');
    return this.context;
  }

  async start(): Promise<void> {
    const { config, storeConfig } = this.options;
    if (ipBytes(config.brokerIP1) === undefined) throw new ConfigError([`brokerIP1: "${config.brokerIP1}" is not an IP address`]);
    const port = await this.server.listen(config.listenPort);
    const storeHost = encodeSocketAddress(config.brokerIP1, port);
    const delayLevels = new DelayLevelTable(config.messageDelayLevel);
    const tagsCodeOf = scheduleAwareTagsCodeOf(delayLevels);
    const store = createMessageStore({ config: storeConfig, storeHost, clock: this.clock, logger: this.logger, tagsCodeOf });
    this.store = store;
    await store.start();
    const ctx = await this.buildContext(store, storeHost, delayLevels);
    this.context = ctx;
    store.onMessageArrived((event) => ctx.pullHold.notifyArrival(event.topic, event.queueId, event.maxOffset, event.tagsCode));
    store.onMessageArrived(ctx.schedule.onMessageArrived);
    ctx.schedule.start();
    store.onMessageArrived(ctx.timer.onMessageArrived);
    ctx.timer.start();
    await ctx.transactions.load();
    ctx.transactions.start();
    this.dispatcher = new Dispatcher(brokerHandlers, ctx, this.logger);
    ctx.offsets.start();
    ctx.stats.start();
    this.housekeeping = setInterval(() => this.housekeep(), CLIENT_SCAN_INTERVAL_MS);
    this.housekeeping.unref();
    await this.registrar?.start();
  }

  private async buildContext(store: MessageStore, storeHost: Buffer, delayLevels: DelayLevelTable): Promise<BrokerContext> {
    const { config, storeConfig } = this.options;
    const port = this.server.port;
    const configDir = join(storeConfig.storePathRootDir, 'config');
    const requestRegister = (): void => this.registrar?.requestRegister();
    const topics = new TopicConfigManager(config, join(configDir, 'topics.json'), this.clock, this.logger, requestRegister);
    const groups = new SubscriptionGroupManager(config.autoCreateSubscriptionGroup, join(configDir, 'subscriptionGroup.json'), this.clock, this.logger);
    const offsets = new ConsumerOffsetManager(join(configDir, 'consumerOffset.json'), config.flushConsumerOffsetInterval, this.logger);
    const schedule = new ScheduleMessageService({ store, levels: delayLevels, path: join(configDir, 'delayOffset.json'), clock: this.clock, logger: this.logger });
    const timer = new TimerMessageService({
      store,
      rootDir: storeConfig.storePathRootDir,
      precisionMs: config.timerPrecisionMs,
      fineSlots: config.timerRollWindowSlot,
      flushIntervalMs: config.timerFlushIntervalMs,
      segmentBytes: config.mappedFileSizeTimerLog,
      fileReservedTimeHours: storeConfig.fileReservedTime,
      clock: this.clock,
      logger: this.logger,
    });
    await Promise.all([topics.load(), groups.load(), offsets.load(), schedule.load(), timer.load()]);
    const brokerAddress = `${config.brokerIP1}:${port}`;
    const namesrvAddrs = parseNamesrvAddr(config.namesrvAddr);
    if (namesrvAddrs.length > 0) {
      this.registrar = new NamesrvRegistrar({
        client: this.namesrvClient,
        namesrvAddrs,
        config,
        topics,
        brokerAddr: brokerAddress,
        haServerAddr: `${config.brokerIP2 || config.brokerIP1}:${port + HA_PORT_OFFSET}`,
        logger: this.logger,
      });
    } else {
      this.logger.warn('no name server address (namesrvAddr, -n or NAMESRV_ADDR): this broker registers nowhere');
    }
    const producers = new ProducerManager();
    const uniqueIds = new UniqueIdGenerator(ipBytes(config.brokerIP1) ?? Buffer.alloc(4), process.pid, Math.floor(Math.random() * 2 ** 31), this.clock.now());
    const transactions = this.transactionService({ store, offsets, producers, topics, storeHost, delayLevels, uniqueIds });
    return {
      config,
      storeConfig,
      store,
      topics,
      groups,
      offsets,
      consumers: new ConsumerManager((group) => this.notifyConsumerIdsChanged(group)),
      producers,
      pullHold: new PullHoldService(config.maxHeldPullRequests, (topic, queueId) => store.getMaxOffsetInQueue(topic, queueId)),
      delayLevels,
      schedule,
      timer,
      locks: new RebalanceLockManager(this.clock, config.rebalanceLockMaxLiveTime, this.logger),
      transactions,
      runtimeConfig: new RuntimeConfig({ broker: config, store: storeConfig, clock: this.clock }),
      sqlFilters: new Sql92FilterCache(),
      stats: new BrokerStats({
        clusterName: config.brokerClusterName,
        clock: this.clock,
        maxStatsIdleTimeInMinutes: config.maxStatsIdleTimeInMinutes,
        isSystemTopic: (topic) => topics.isSystemTopic(topic),
      }),
      requestRegister,
      uniqueIds,
      clock: this.clock,
      logger: this.logger,
      brokerAddress,
    };
  }

  private transactionService(parts: Pick<TransactionalMessageServiceOptions, 'store' | 'offsets' | 'producers' | 'topics' | 'storeHost' | 'uniqueIds'> & { delayLevels: DelayLevelTable }): TransactionalMessageService {
    const { config, storeConfig } = this.options;
    return new TransactionalMessageService({
      ...parts,
      settings: { ...config, fileReservedTime: storeConfig.fileReservedTime },
      maxMessageSize: storeConfig.maxMessageSize,
      brokerName: config.brokerName,
      // A committed timer message waits in the timer: Java's put hook sends it there too.
      route: (request, now) => routeDelayed(parts.delayLevels, routeTimer(config, request, now), now),
      clock: this.clock,
      logger: this.logger,
    });
  }

  /**
   * Unregisters, answers held pulls, closes connections, stops the schedule (which writes
   * delayOffset.json), writes the config files and the store.
   */
  async shutdown(): Promise<void> {
    if (this.housekeeping) clearInterval(this.housekeeping);
    this.context?.stats.stop();
    await this.registrar?.shutdown();
    this.context?.pullHold.shutdown();
    await this.server.close();
    await this.namesrvClient.close();
    if (this.context) {
      await this.context.transactions.shutdown();
      await this.context.timer.shutdown();
      await this.context.schedule.shutdown();
      await this.context.offsets.shutdown();
      await Promise.all([this.context.topics.flush(), this.context.groups.flush()]);
    }
    await this.store?.shutdown();
    this.dispatcher = undefined;
  }

  private onRequest(connection: Connection, request: RemotingCommand): void {
    if (this.dispatcher === undefined) {
      connection.send(createResponse(request, ResponseCode.SYSTEM_BUSY, { remark: 'the broker is starting or shutting down' }));
      connection.requestDone();
      return;
    }
    this.dispatcher.dispatch(connection, request);
  }

  private onDisconnect(connection: Connection): void {
    const ctx = this.context;
    if (ctx === undefined) return;
    ctx.producers.removeConnection(connection);
    ctx.consumers.removeConnection(connection, (group) => ctx.groups.get(group)?.notifyConsumerIdsChangedEnable ?? true);
  }

  private housekeep(): void {
    this.expireSilentClients();
    this.context?.locks.sweep();
  }

  private expireSilentClients(): void {
    const ctx = this.context;
    if (ctx === undefined) return;
    const deadline = this.clock.now() - ctx.config.channelExpiredTimeout;
    for (const channel of [...ctx.producers.expire(deadline), ...ctx.consumers.expire(deadline)]) {
      this.logger.warn({ client: channel.clientId, peer: channel.connection.remoteAddress }, 'closing a client silent for too long');
      channel.connection.close('no heartbeat');
    }
  }

  /** NOTIFY_CONSUMER_IDS_CHANGED (40), oneway, to every consumer of the group. */
  private notifyConsumerIdsChanged(group: ConsumerGroupInfo): void {
    const extFields = NotifyConsumerIdsChangedRequestHeader.encode({ consumerGroup: group.groupName });
    for (const channel of group.channels.values()) {
      channel.connection.invokeOneway({ code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, extFields });
    }
  }
}
