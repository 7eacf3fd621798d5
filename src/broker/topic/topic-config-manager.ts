/**
 * topic-config-manager.ts: the broker's topics (TopicConfigManager.java): the system topics it
 * always has, topics created by admins (UPDATE_AND_CREATE_TOPIC), by the first send to an unknown
 * topic (from the TBW102 template) and by consumers (retry topics), kept in topics.json with a
 * DataVersion that changes on every change so name servers know when to take a new registration.
 *
 * It owns no network: `onChange` tells the broker to register with the name servers again.
 */
import {
  PermName,
  dataVersionToJson,
  decodeDataVersion,
  decodeTopicConfig,
  isInherited,
  parseFastJson,
  topicConfigToJson,
  asObject,
  type DataVersion,
  type TopicConfig,
} from '../../protocol/index.js';
import { SYSTEM_TOPIC_PREFIX, TopicNames } from '../../message/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { BrokerConfig } from '../config.js';
import { ConfigFile } from '../persist/config-file.js';

/** Queues of a topic whose config does not say (TopicConfig.defaultReadQueueNums). */
const DEFAULT_QUEUE_NUMS = 16;
const SCHEDULE_TOPIC_QUEUE_NUMS = 18;
/** TopicValidator.SYSTEM_TOPIC_SET: system topics whether this broker has them or not. */
const JAVA_SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  TopicNames.AUTO_CREATE_TOPIC_KEY,
  TopicNames.SCHEDULE_TOPIC,
  TopicNames.BENCHMARK_TOPIC,
  TopicNames.TRANS_HALF_TOPIC,
  TopicNames.RMQ_SYS_TRACE_TOPIC,
  TopicNames.TRANS_OP_HALF_TOPIC,
  TopicNames.TRANS_CHECK_MAX_TIME_TOPIC,
  TopicNames.SELF_TEST_TOPIC,
  TopicNames.OFFSET_MOVED_EVENT,
  'CHECKPOINT_TOPIC',
]);

export function newTopicConfig(topicName: string, overrides: Partial<TopicConfig> = {}): TopicConfig {
  return {
    topicName,
    readQueueNums: DEFAULT_QUEUE_NUMS,
    writeQueueNums: DEFAULT_QUEUE_NUMS,
    perm: PermName.READ | PermName.WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: {},
    ...overrides,
  };
}

export class TopicConfigManager {
  private readonly table = new Map<string, TopicConfig>();
  private readonly systemTopics = new Set<string>();
  private version: DataVersion;
  private readonly file: ConfigFile;

  constructor(
    private readonly config: BrokerConfig,
    path: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {
    this.version = { stateVersion: 0, timestamp: clock.now(), counter: 0 };
    this.file = new ConfigFile(path, () => this.encode(), logger);
    this.addSystemTopics();
  }

  /** Reads topics.json; its entries override the built-in system topics, as in Java. */
  async load(): Promise<void> {
    await this.file.load((text) => {
      const root = asObject(parseFastJson(text), 'topics.json');
      const table = asObject(root['topicConfigTable'] ?? {}, 'topics.json.topicConfigTable');
      for (const [name, entry] of Object.entries(table)) this.table.set(name, decodeTopicConfig(entry, `topicConfigTable.${name}`));
      if (root['dataVersion'] !== undefined) this.version = decodeDataVersion(root['dataVersion'], 'topics.json.dataVersion');
    });
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  get(topic: string): TopicConfig | undefined {
    return this.table.get(topic);
  }

  all(): ReadonlyMap<string, TopicConfig> {
    return this.table;
  }

  /** TopicValidator.isSystemTopic: the built-in ones, Java's fixed set, and the rmq_sys_ prefix. */
  isSystemTopic(topic: string): boolean {
    return this.systemTopics.has(topic) || JAVA_SYSTEM_TOPICS.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
  }

  isOrderTopic(topic: string): boolean {
    return this.table.get(topic)?.order ?? false;
  }

  /** Creates or replaces a topic (UPDATE_AND_CREATE_TOPIC) and registers it. */
  update(config: TopicConfig): void {
    const previous = this.table.get(config.topicName);
    this.table.set(config.topicName, config);
    this.logger.info({ topic: config.topicName, old: previous, new: config }, previous ? 'topic updated' : 'topic created');
    this.changed();
  }

  /** Removes a topic; true when it existed. */
  delete(topic: string): boolean {
    if (!this.table.delete(topic)) return false;
    this.logger.info({ topic }, 'topic deleted');
    this.changed();
    return true;
  }

  /**
   * The first send to an unknown topic: copy the template `defaultTopic` (TBW102) when it may be
   * inherited, with min(client queue count, template write queues) queues and the template's
   * permission without INHERIT (createTopicInSendMessageMethod). Undefined when not allowed.
   */
  createInSendMessage(topic: string, defaultTopic: string, producer: string, clientQueueNums: number, topicSysFlag: number): TopicConfig | undefined {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const template = this.table.get(defaultTopic);
    if (template === undefined) {
      this.logger.warn({ topic, defaultTopic, producer }, 'cannot create topic: the default topic does not exist');
      return undefined;
    }
    let perm = template.perm;
    if (defaultTopic === TopicNames.AUTO_CREATE_TOPIC_KEY && !this.config.autoCreateTopicEnable) perm = PermName.READ | PermName.WRITE;
    if (!isInherited(perm)) {
      this.logger.warn({ topic, defaultTopic, perm, producer }, 'cannot create topic: the default topic may not be inherited');
      return undefined;
    }
    const queueNums = Math.max(0, Math.min(clientQueueNums, template.writeQueueNums));
    const created = newTopicConfig(topic, {
      readQueueNums: queueNums,
      writeQueueNums: queueNums,
      perm: perm & ~PermName.INHERIT,
      topicSysFlag,
      topicFilterType: template.topicFilterType,
    });
    this.table.set(topic, created);
    this.logger.info({ topic, defaultTopic, producer, queueNums }, 'topic created by a send');
    this.changed();
    return created;
  }

  /** Retry and DLQ topics, created when a consumer group shows up (createTopicInSendMessageBackMethod). */
  createInSendMessageBack(topic: string, queueNums: number, perm: number, topicSysFlag: number): TopicConfig {
    const existing = this.table.get(topic);
    if (existing) return existing;
    const created = newTopicConfig(topic, { readQueueNums: queueNums, writeQueueNums: queueNums, perm, topicSysFlag });
    this.table.set(topic, created);
    this.logger.info({ topic, queueNums }, 'topic created for a consumer group');
    this.changed();
    return created;
  }

  /** topics.json: {"dataVersion":{..},"topicConfigTable":{..}} (TopicConfigSerializeWrapper). */
  encode(pretty = true): string {
    const table: Record<string, unknown> = {};
    for (const [name, config] of this.table) table[name] = topicConfigToJson(config);
    return JSON.stringify({ dataVersion: dataVersionToJson(this.version), topicConfigTable: table }, null, pretty ? 2 : undefined);
  }

  /** A new data version without a topic change (the broker's permission changed: name servers must take the next registration). */
  nextVersion(): void {
    this.changed();
  }

  private changed(): void {
    this.version = { ...this.version, timestamp: this.clock.now(), counter: this.version.counter + 1 };
    void this.file.persist();
    this.onChange();
  }

  private addSystemTopics(): void {
    const system = (config: TopicConfig): void => {
      this.systemTopics.add(config.topicName);
      this.table.set(config.topicName, config);
    };
    const { brokerClusterName, brokerName } = this.config;
    const readWrite = PermName.READ | PermName.WRITE;
    system(newTopicConfig(TopicNames.SELF_TEST_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    if (this.config.autoCreateTopicEnable) {
      const queues = this.config.defaultTopicQueueNums;
      system(newTopicConfig(TopicNames.AUTO_CREATE_TOPIC_KEY, { readQueueNums: queues, writeQueueNums: queues, perm: PermName.INHERIT | readWrite }));
    }
    system(newTopicConfig(TopicNames.BENCHMARK_TOPIC, { readQueueNums: 1024, writeQueueNums: 1024 }));
    system(newTopicConfig(brokerClusterName, { perm: PermName.INHERIT | (this.config.clusterTopicEnable ? readWrite : 0) }));
    system(newTopicConfig(brokerName, { readQueueNums: 1, writeQueueNums: 1, perm: PermName.INHERIT | (this.config.brokerTopicEnable ? readWrite : 0) }));
    system(newTopicConfig(TopicNames.OFFSET_MOVED_EVENT, { readQueueNums: 1, writeQueueNums: 1 }));
    system(newTopicConfig(TopicNames.SCHEDULE_TOPIC, { readQueueNums: SCHEDULE_TOPIC_QUEUE_NUMS, writeQueueNums: SCHEDULE_TOPIC_QUEUE_NUMS }));
    if (this.config.traceTopicEnable) system(newTopicConfig(this.config.msgTraceTopicName, { readQueueNums: 1, writeQueueNums: 1 }));
    system(newTopicConfig(`${brokerClusterName}_REPLY_TOPIC`, { readQueueNums: 1, writeQueueNums: 1 }));
    system(newTopicConfig(TopicNames.TRANS_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
    system(newTopicConfig(TopicNames.TRANS_OP_HALF_TOPIC, { readQueueNums: 1, writeQueueNums: 1 }));
  }
}
