/**
 * config.ts: the broker's configuration: BrokerConfig and NettyServerConfig keys by their
 * RocketMQ names, so an existing broker.conf works unchanged. A broker.conf also holds store
 * keys (MessageStoreConfig); loadBrokerConfig() hands those to the store's schema and warns about
 * keys neither knows.
 */
import { hostname, networkInterfaces } from 'node:os';
import { ConfigError, key, loadConfig, type ConfigEntry, type ConfigOf } from '../config/index.js';
import { STORE_CONFIG_ALIASES, StoreConfigSchema, UNSUPPORTED_STORE_KEYS, type StoreConfig } from '../store/index.js';
import { messageDelayLevelKey } from './schedule/delay-levels.js';

/** The first non-loopback IPv4 address, as RocketMQ's RemotingUtil.getLocalAddress picks brokerIP1. */
export function localIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      if (address.family === 'IPv4' && !address.internal) return address.address;
    }
  }
  return '127.0.0.1';
}

export const BrokerConfigSchema = {
  brokerClusterName: key.string('DefaultCluster', 'Name of the cluster this broker belongs to.'),
  brokerName: key.string(hostname(), 'Name of the master/slave group; brokers with the same name replicate each other.'),
  brokerId: key.long(0, '0 for the master, above 0 for a slave.', { min: 0 }),
  brokerIP1: key.string(localIPv4(), 'Address advertised to name servers and clients, and written as the store host of every message.'),
  brokerIP2: key.string('', 'Address of the HA service; brokerIP1 when empty.'),
  listenPort: key.int(10911, 'Port of the remoting server.', { min: 0, max: 65535 }),
  namesrvAddr: key.string('', 'Name servers, "host:port;host:port". NAMESRV_ADDR when empty.'),
  brokerPermission: key.int(6, 'Permission of the whole broker: 4 read, 2 write (PermName).', { min: 0, max: 15 }),
  autoCreateTopicEnable: key.boolean(true, 'Create a topic on the first send to it, from the TBW102 template.'),
  autoCreateSubscriptionGroup: key.boolean(true, 'Create a subscription group the first time a consumer of it shows up.'),
  defaultTopicQueueNums: key.int(8, 'Queues of the TBW102 template topic.', { min: 1, max: 1024 }),
  clusterTopicEnable: key.boolean(true, 'Make the topic named after the cluster readable and writable.'),
  brokerTopicEnable: key.boolean(true, 'Make the topic named after the broker readable and writable.'),
  traceTopicEnable: key.boolean(false, 'Create the message trace topic.'),
  msgTraceTopicName: key.string('RMQ_SYS_TRACE_TOPIC', 'Name of the message trace topic.'),
  rejectTransactionMessage: key.boolean(false, 'Refuse transactional (half) messages with NO_PERMISSION.'),
  transactionTimeOut: key.long(6000, 'A half message is first checked this long after it was sent, ms.', { min: 0 }),
  transactionCheckMax: key.int(15, 'Checks of one half message before it moves to TRANS_CHECK_MAX_TIME_TOPIC.', { min: 0 }),
  transactionCheckInterval: key.long(60000, 'Interval between rounds of transaction checks, ms (RocketMQ 5 uses 30000).', { min: 10 }),
  registerNameServerPeriod: key.int(30000, 'Interval between registrations with every name server, ms.', { min: 10000, max: 60000 }),
  registerBrokerTimeoutMills: key.int(24000, 'Timeout of one registration request, ms.', { min: 100 }),
  compressedRegister: key.boolean(false, 'Send the compressed REGISTER_BROKER body.'),
  longPollingEnable: key.boolean(true, 'Hold pulls that find nothing until a message arrives or suspendTimeoutMillis passes.'),
  shortPollingTimeMills: key.long(1000, 'How long a pull is held when long polling is off, ms.', { min: 0 }),
  flushConsumerOffsetInterval: key.int(5000, 'Interval between writes of consumerOffset.json, ms.', { min: 100 }),
  channelExpiredTimeout: key.int(120000, 'A client that sends no heartbeat for this long is dropped, ms.', { min: 1000 }),
  regionId: key.string('DefaultRegion', 'Region written in send responses (MSG_REGION).'),
  traceOn: key.boolean(true, 'Trace switch written in send responses (TRACE_ON).'),
  enablePropertyFilter: key.boolean(false, 'Accept SQL92 subscriptions (filtered on the broker by message properties); off, they are refused with SYSTEM_ERROR.'),
  maxHeldPullRequests: key.int(100000, 'Most pulls held for long polling at once; more are answered at once.', { min: 1 }),
  messageDelayLevel: messageDelayLevelKey('Delay of each delay level, level 1 first: integers with s, m, h or d (a MessageStoreConfig key in RocketMQ).'),
  rebalanceLockMaxLiveTime: key.long(60000, 'An orderly consumer\'s queue lock expires this long after its last renewal, ms (RocketMQ: -Drocketmq.broker.rebalance.lockMaxLiveTime).', { min: 1 }),
  timerWheelEnable: key.boolean(true, 'Accept timer messages (TIMER_DELIVER_MS, TIMER_DELAY_MS, TIMER_DELAY_SEC); off, they are refused with SYSTEM_ERROR (a MessageStoreConfig key in RocketMQ).'),
  timerMaxDelaySec: key.int(259200, 'Longest wait of a timer message, s: a later due time is refused with MESSAGE_ILLEGAL (RocketMQ: 3 days; any int works here).', { min: 1 }),
  timerPrecisionMs: key.int(100, 'Slot of the fine timer wheel, ms: how much is loaded at once, not when messages go out (at their exact due time). RocketMQ: 1000.', { min: 10, max: 1000 }),
  timerRollWindowSlot: key.int(36000, 'Slots of the fine timer wheel; messages due later than this times timerPrecisionMs wait in the coarse wheel.', { min: 64, max: 2_000_000 }),
  timerFlushIntervalMs: key.int(1000, 'Interval between timer checkpoints (timer log fdatasync, timer/checkpoint), ms.', { min: 10, max: 60000 }),
  mappedFileSizeTimerLog: key.int(100 * 1024 * 1024, 'Size of one timer log segment file, bytes.', { min: 56 * 1024 }),
  recallMessageEnable: key.boolean(false, 'Answer RECALL_MESSAGE (cancel a timer message by its recall handle); off, NO_PERMISSION as in RocketMQ.'),
  allowRecallWhenBrokerNotWriteable: key.boolean(true, 'Answer RECALL_MESSAGE while brokerPermission forbids writes.'),
  brokerConfigPath: key.string('', 'File UPDATE_BROKER_CONFIG persists changes to; mqbroker sets it to the -c file; <storePathRootDir>/config/broker.properties when empty.'),
  maxStatsIdleTimeInMinutes: key.int(30, 'Statistics of a topic or topic@group not updated for this long are dropped (checked every 10 min); 10 or less means 30, below 0 never (the statistics stay bounded in number anyway).'),
} as const;

export type BrokerConfig = ConfigOf<typeof BrokerConfigSchema>;

/** RocketMQ broker keys we accept but do not act on yet. */
export const UNSUPPORTED_BROKER_KEYS: ReadonlySet<string> = new Set([
  'brokerRole',
  'haListenPort',
  'sendMessageThreadPoolNums',
  'pullMessageThreadPoolNums',
  'useReentrantLockWhenPutMessage',
  'timerEnableDisruptor',
  'timerGetMessageThreadNum',
  'timerPutMessageThreadNum',
  'timerEnableCheckMetrics',
  'timerCheckMetricsWhen',
  'timerCongestNumEachSlot',
  'timerMetricSmallThreshold',
  'timerProgressLogIntervalMs',
  'timerWarmEnable',
  'timerSkipUnknownError',
  'timerStopEnqueue',
  'timerStopDequeue',
  'timerInterceptDelayLevel',
  'timerEnableRetryUntilSuccess',
  'waitTimeMillsInSendQueue',
  'enableDLegerCommitLog',
  'aclEnable',
  'slaveReadEnable',
  'transactionOpMsgMaxSize',
  'transactionOpBatchInterval',
  'transactionMetricFlushInterval',
  'enableCalcFilterBitMap',
  'filterSupportRetry',
  'enableControllerMode',
]);

const BROKER_ALIASES: Readonly<Record<string, string>> = {};

export interface BrokerConfigs {
  readonly broker: BrokerConfig;
  readonly store: StoreConfig;
  readonly warnings: readonly string[];
}

/**
 * Splits entries between the broker and store schemas and loads both; throws ConfigError listing
 * every bad value of either. Later entries win (file, then flags, then explicit overrides).
 */
export function loadBrokerConfig(entries: readonly ConfigEntry[]): BrokerConfigs {
  const brokerEntries: ConfigEntry[] = [];
  const storeEntries: ConfigEntry[] = [];
  for (const entry of entries) {
    const storeKey = STORE_CONFIG_ALIASES[entry.key] ?? entry.key;
    if (Object.hasOwn(StoreConfigSchema, storeKey) || UNSUPPORTED_STORE_KEYS.has(storeKey)) storeEntries.push(entry);
    else brokerEntries.push(entry);
  }
  const problems: string[] = [];
  const attempt = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const broker = attempt(() => loadConfig(BrokerConfigSchema, brokerEntries, { unsupported: UNSUPPORTED_BROKER_KEYS, aliases: BROKER_ALIASES }));
  const store = attempt(() => loadConfig(StoreConfigSchema, storeEntries, { unsupported: UNSUPPORTED_STORE_KEYS, aliases: STORE_CONFIG_ALIASES }));
  if (problems.length > 0 || broker === undefined || store === undefined) {
    throw new ConfigError(problems);
  }
  return { broker: broker.config, store: store.config, warnings: [...broker.warnings, ...store.warnings] };
}
