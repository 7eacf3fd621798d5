/**
 * config.ts: the name server's configuration schema. Keys keep the names of RocketMQ's
 * NamesrvConfig and NettyServerConfig so an existing namesrv.conf keeps working; defaults are
 * Java's, except listenPort, which NamesrvStartup sets to 9876.
 *
 * Keys RocketMQ has but this server does not act on are accepted with a warning (UNSUPPORTED_KEYS);
 * any other unknown key is warned about as unknown. A bad value is a ConfigError naming the key.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { key, loadConfig, type ConfigEntry, type ConfigOf, type Loaded } from '../config/index.js';

export const NamesrvConfigSchema = {
  listenPort: key.int(9876, 'TCP port the name server listens on; 0 picks a free port', { min: 0, max: 65535 }),
  bindAddress: key.string('0.0.0.0', 'address the name server binds to'),
  kvConfigPath: key.string(join(homedir(), 'namesrv', 'kvConfig.json'), 'file that keeps the KV config (PUT_KV_CONFIG)'),
  configStorePath: key.string(join(homedir(), 'namesrv', 'namesrv.properties'), 'file the configuration is written to after UPDATE_NAMESRV_CONFIG'),
  configBlackList: key.string('configBlackList;configStorePath;kvConfigPath', 'keys UPDATE_NAMESRV_CONFIG refuses to change, separated by ";"'),
  orderMessageEnable: key.boolean(false, 'add orderTopicConf from the ORDER_TOPIC_CONFIG namespace to topic routes'),
  returnOrderTopicConfigToBroker: key.boolean(true, 'answer REGISTER_BROKER with the ORDER_TOPIC_CONFIG namespace'),
  scanNotActiveBrokerInterval: key.long(5000, 'milliseconds between scans for brokers whose registration expired', {
    min: 1,
    max: 24 * 3600 * 1000,
  }),
  enableAllTopicList: key.boolean(true, 'answer GET_ALL_TOPIC_LIST_FROM_NAMESERVER'),
  enableTopicList: key.boolean(true, 'answer GET_TOPICS_BY_CLUSTER'),
  deleteTopicWithBrokerRegistration: key.boolean(
    false,
    'drop a broker\'s topics it no longer reports when it registers (unsafe with incremental registrations)',
  ),
  supportActingMaster: key.boolean(false, 'route a master-less broker group through its smallest-id slave (acting master)'),
  needWaitForService: key.boolean(false, 'refuse GET_ROUTEINFO_BY_TOPIC for waitSecondsForService after start'),
  waitSecondsForService: key.int(45, 'seconds GET_ROUTEINFO_BY_TOPIC is refused after start when needWaitForService', {
    min: 0,
  }),
} as const;

export type NamesrvConfig = ConfigOf<typeof NamesrvConfigSchema>;

/** RocketMQ NamesrvConfig / NettyServerConfig / NettyClientConfig keys with no effect here. */
export const NAMESRV_UNSUPPORTED_KEYS: ReadonlySet<string> = new Set([
  'rocketmqHome',
  'productEnvName',
  'clusterTest',
  'clientRequestThreadPoolNums',
  'defaultThreadPoolNums',
  'clientRequestThreadPoolQueueCapacity',
  'defaultThreadPoolQueueCapacity',
  'unRegisterBrokerQueueCapacity',
  'notifyMinBrokerIdChanged',
  'enableControllerInNamesrv',
  'serverWorkerThreads',
  'serverCallbackExecutorThreads',
  'serverSelectorThreads',
  'serverOnewaySemaphoreValue',
  'serverAsyncSemaphoreValue',
  'serverChannelMaxIdleTimeSeconds',
  'serverSocketSndBufSize',
  'serverSocketRcvBufSize',
  'writeBufferHighWaterMark',
  'writeBufferLowWaterMark',
  'serverSocketBacklog',
  'serverNettyWorkerGroupEnable',
  'serverPooledByteBufAllocatorEnable',
  'enableShutdownGracefully',
  'shutdownWaitTimeSeconds',
  'useEpollNativeSelector',
  'clientWorkerThreads',
  'clientCallbackExecutorThreads',
  'connectTimeoutMillis',
  'channelNotActiveInterval',
  'clientChannelMaxIdleTimeSeconds',
  'clientCloseSocketIfTimeout',
  'useTLS',
]);

/** Checks `entries` (later ones win) over the defaults. Throws ConfigError naming every bad key. */
export function loadNamesrvConfig(entries: readonly ConfigEntry[]): Loaded<typeof NamesrvConfigSchema> {
  return loadConfig(NamesrvConfigSchema, entries, { unsupported: NAMESRV_UNSUPPORTED_KEYS });
}

/** The defaults with some keys replaced (tests, embedding). */
export function namesrvConfig(overrides: Partial<NamesrvConfig> = {}): NamesrvConfig {
  return Object.freeze({ ...loadNamesrvConfig([]).config, ...overrides });
}
