/**
 * context.ts: what broker handlers may use. Handlers get this and the request, nothing else: no
 * broker object, no server, no sockets beyond the request's own connection.
 */
import type { UniqueIdGenerator } from '../message/index.js';
import type { MessageStore, StoreConfig } from '../store/index.js';
import type { Clock } from '../time/index.js';
import type { Logger } from '../log/index.js';
import type { BrokerConfig } from './config.js';
import type { TopicConfigManager } from './topic/topic-config-manager.js';
import type { SubscriptionGroupManager } from './subscription/subscription-group-manager.js';
import type { ConsumerOffsetManager } from './offset/consumer-offset-manager.js';
import type { ConsumerManager } from './client/consumer-manager.js';
import type { ProducerManager } from './client/producer-manager.js';
import type { PullHoldService } from './long-poll/pull-hold-service.js';
import type { DelayLevelTable } from './schedule/delay-levels.js';
import type { ScheduleMessageService } from './schedule/schedule-message-service.js';
import type { TimerMessageService } from './timer/timer-message-service.js';
import type { RebalanceLockManager } from './lock/rebalance-lock-manager.js';
import type { Sql92FilterCache } from './filter/sql92-filter.js';
import type { TransactionalMessageService } from './transaction/transactional-message-service.js';
import type { BrokerStats } from './stats/broker-stats.js';
import type { RuntimeConfig } from './runtime-config/runtime-config.js';

export interface BrokerContext {
  readonly config: BrokerConfig;
  readonly storeConfig: StoreConfig;
  readonly store: MessageStore;
  readonly topics: TopicConfigManager;
  readonly groups: SubscriptionGroupManager;
  readonly offsets: ConsumerOffsetManager;
  readonly consumers: ConsumerManager;
  readonly producers: ProducerManager;
  readonly pullHold: PullHoldService;
  /** messageDelayLevel, parsed: where a delayed put waits and for how long. */
  readonly delayLevels: DelayLevelTable;
  /** Delivers delayed messages; handlers only read its offsets (GET_ALL_DELAY_OFFSET). */
  readonly schedule: ScheduleMessageService;
  /** Timer messages (any-time delay); handlers read its checkpoint and metrics. */
  readonly timer: TimerMessageService;
  /** Orderly consumers' queue locks (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ). */
  readonly locks: RebalanceLockManager;
  /** Half messages, END_TRANSACTION and the transaction checks. */
  readonly transactions: TransactionalMessageService;
  /**
   * Traffic statistics (BrokerStatsManager): the send and pull paths count into it; admin
   * handlers read rates from it, e.g. stats.tpsGroupGetNums(group, topic) for consumeTps.
   */
  readonly stats: BrokerStats;
  /** GET_BROKER_CONFIG / UPDATE_BROKER_CONFIG: every key as text, runtime changes persisted. */
  readonly runtimeConfig: RuntimeConfig;
  /** Compiled SQL92 subscriptions, by group and topic. */
  readonly sqlFilters: Sql92FilterCache;
  /** Asks for a registration with every name server soon (topics changed). */
  readonly requestRegister: () => void;
  readonly uniqueIds: UniqueIdGenerator;
  readonly clock: Clock;
  readonly logger: Logger;
  /** "brokerIP1:port", as registered and written into every message's store host. */
  readonly brokerAddress: string;
}
