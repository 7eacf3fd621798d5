/**
 * route-table.ts: the name server's route state (RouteInfoManager.java), as plain data.
 *
 * It owns five tables:
 * - clusterAddrTable: cluster name → broker names;
 * - brokerAddrTable: broker name → BrokerData (broker id → "ip:port"; id 0 is the master);
 * - topicQueueTable: topic → broker name → QueueData;
 * - brokerLiveTable: (cluster, broker address) → last update time, heartbeat timeout, the
 *   DataVersion last registered, the connection id it came over, and its HA address;
 * - filterServerTable: (cluster, broker address) → filter servers.
 *
 * Invariants: a broker name is in brokerAddrTable only while it has at least one address, and in
 * clusterAddrTable only while it is in brokerAddrTable (registration that is refused leaves no
 * trace); a topic is in topicQueueTable only while some broker has a QueueData for it; one
 * address appears under one id only; QueueData of a broker name goes when its last address goes.
 *
 * Must not: touch sockets, RemotingCommands or timers, or hold Connection objects. A connection
 * is known only by its numeric id; time comes from the Clock. The caller (namesrv.ts) closes
 * connections and decides when to scan.
 */
import {
  PermName,
  type BrokerData,
  type ClusterInfo,
  type DataVersion,
  type QueueData,
  type TopicConfig,
  type TopicRouteData,
} from '../protocol/index.js';
import type { Clock } from '../time/index.js';
import { liveKey, LiveTable, type BrokerIdentity, type LiveBroker } from './live-table.js';
import {
  brokerDataSnapshot,
  MASTER_ID,
  minId,
  sameQueueData,
  withActingMaster,
  type MutableBrokerData,
  type MutableQueueData,
} from './route-data.js';

export type { BrokerIdentity, LiveBroker } from './live-table.js';

export { MASTER_ID } from './route-data.js';

/** Topics of this prefix are never routed through an acting master (TopicValidator.java). */
const SYNC_BROKER_MEMBER_GROUP_PREFIX = 'rmq_sys_SYNC_BROKER_MEMBER_';

export interface RegisterBrokerInput {
  readonly clusterName: string;
  readonly brokerAddr: string;
  readonly brokerName: string;
  readonly brokerId: number;
  readonly haServerAddr: string;
  /** Absent from brokers older than RocketMQ 5; they are never a "prime slave". */
  readonly enableActingMaster?: boolean | undefined;
  /** Absent: BROKER_CHANNEL_EXPIRED_MS. */
  readonly heartbeatTimeoutMillis?: number | undefined;
  readonly dataVersion: DataVersion;
  readonly topicConfigTable: ReadonlyMap<string, TopicConfig>;
  readonly filterServerList: readonly string[];
  readonly connectionId: number;
}

export type RegisterBrokerResult =
  | {
      readonly status: 'REGISTERED';
      /** First time this broker name, or this id of it, registered. */
      readonly firstRegistration: boolean;
      /** For a slave whose master is live: the master's HA address and address. */
      readonly haServerAddr?: string;
      readonly masterAddr?: string;
    }
  /** Another address holds this id with a newer stateVersion; the registration is ignored. */
  | { readonly status: 'STALE'; readonly currentAddr: string };

export interface UnregisterBrokerInput {
  readonly clusterName: string;
  readonly brokerAddr: string;
  readonly brokerName: string;
  readonly brokerId: number;
}

export interface RouteTableOptions {
  readonly clock: Clock;
  /** NamesrvConfig.deleteTopicWithBrokerRegistration. */
  readonly deleteTopicWithBrokerRegistration?: boolean;
  /** NamesrvConfig.supportActingMaster. */
  readonly supportActingMaster?: boolean;
}

export class RouteTable {
  private readonly clusterAddrTable = new Map<string, Set<string>>();
  private readonly brokerAddrTable = new Map<string, MutableBrokerData>();
  private readonly topicQueueTable = new Map<string, Map<string, MutableQueueData>>();
  private readonly live: LiveTable;
  private readonly filterServerTable = new Map<string, readonly string[]>();

  constructor(private readonly options: RouteTableOptions) {
    this.live = new LiveTable(options.clock);
  }

  /** REGISTER_BROKER: records the broker, its liveness and (from a master) its topics. */
  registerBroker(input: RegisterBrokerInput): RegisterBrokerResult {
    const { clusterName, brokerAddr, brokerName, brokerId } = input;
    const existing = this.brokerAddrTable.get(brokerName);
    const currentAddr = existing?.brokerAddrs.get(brokerId);
    if (currentAddr !== undefined && currentAddr !== brokerAddr) {
      const current = this.live.get(clusterName, currentAddr);
      if (current !== undefined && current.dataVersion.stateVersion > input.dataVersion.stateVersion) {
        this.live.delete(clusterName, brokerAddr);
        return { status: 'STALE', currentAddr };
      }
    }
    let brokerNames = this.clusterAddrTable.get(clusterName);
    if (brokerNames === undefined) this.clusterAddrTable.set(clusterName, (brokerNames = new Set()));
    brokerNames.add(brokerName);
    let brokerData = existing;
    if (brokerData === undefined) {
      brokerData = { cluster: clusterName, brokerName, brokerAddrs: new Map(), enableActingMaster: false };
      this.brokerAddrTable.set(brokerName, brokerData);
    }
    const isOldVersionBroker = input.enableActingMaster === undefined;
    brokerData.enableActingMaster = input.enableActingMaster === true;
    const addrs = brokerData.brokerAddrs;
    // A slave turned master (or the reverse) keeps its address: one address has one id only.
    for (const [id, addr] of addrs) if (addr === brokerAddr && id !== brokerId) addrs.delete(id);
    const firstRegistration = existing === undefined || !addrs.has(brokerId);
    addrs.set(brokerId, brokerAddr);

    const isMaster = brokerId === MASTER_ID;
    const isPrimeSlave = !isOldVersionBroker && !isMaster && brokerId === minId(addrs);
    if (isMaster || isPrimeSlave) this.updateTopics(input, brokerData, firstRegistration, isPrimeSlave);

    this.live.set({
      clusterName,
      brokerAddr,
      lastUpdateMs: this.options.clock.now(),
      heartbeatTimeoutMs: input.heartbeatTimeoutMillis,
      dataVersion: input.dataVersion,
      connectionId: input.connectionId,
      haServerAddr: input.haServerAddr,
    });
    const key = liveKey(clusterName, brokerAddr);
    if (input.filterServerList.length === 0) this.filterServerTable.delete(key);
    else this.filterServerTable.set(key, [...input.filterServerList]);
    return { status: 'REGISTERED', firstRegistration, ...this.masterOf(brokerData, brokerId) };
  }

  private masterOf(brokerData: MutableBrokerData, brokerId: number): { haServerAddr?: string; masterAddr?: string } {
    if (brokerId === MASTER_ID) return {};
    const masterAddr = brokerData.brokerAddrs.get(MASTER_ID);
    if (masterAddr === undefined) return {};
    const master = this.live.get(brokerData.cluster, masterAddr);
    return master === undefined ? {} : { haServerAddr: master.haServerAddr, masterAddr };
  }

  /** Topic updates of a master's (or prime slave's) registration; runs before its liveness is updated. */
  private updateTopics(input: RegisterBrokerInput, brokerData: MutableBrokerData, first: boolean, isPrimeSlave: boolean): void {
    const { brokerName } = input;
    if (this.options.deleteTopicWithBrokerRegistration === true) {
      for (const [topic, queueDatas] of this.topicQueueTable) {
        if (input.topicConfigTable.has(topic) || !queueDatas.delete(brokerName)) continue;
        if (queueDatas.size === 0) this.topicQueueTable.delete(topic);
      }
    }
    const brokerChanged = this.isBrokerTopicConfigChanged(input.clusterName, input.brokerAddr, input.dataVersion);
    for (const config of input.topicConfigTable.values()) {
      const known = this.topicQueueTable.get(config.topicName)?.has(brokerName) === true;
      if (!first && !brokerChanged && known) continue;
      // An acting master (prime slave) serves reads only.
      const perm = isPrimeSlave && brokerData.enableActingMaster ? config.perm & ~PermName.WRITE : config.perm;
      this.putQueueData(config.topicName, {
        brokerName,
        readQueueNums: config.readQueueNums,
        writeQueueNums: config.writeQueueNums,
        perm,
        topicSysFlag: config.topicSysFlag,
      });
    }
  }

  private putQueueData(topic: string, queueData: MutableQueueData): void {
    let queueDatas = this.topicQueueTable.get(topic);
    if (queueDatas === undefined) this.topicQueueTable.set(topic, (queueDatas = new Map()));
    const current = queueDatas.get(queueData.brokerName);
    if (current === undefined || !sameQueueData(current, queueData)) queueDatas.set(queueData.brokerName, queueData);
  }

  /** UNREGISTER_BROKER, and the end of an expired or disconnected broker. */
  unregisterBroker(input: UnregisterBrokerInput): void {
    const { clusterName, brokerAddr, brokerName } = input;
    this.live.delete(clusterName, brokerAddr);
    this.filterServerTable.delete(liveKey(clusterName, brokerAddr));
    const brokerData = this.brokerAddrTable.get(brokerName);
    if (brokerData === undefined) return;
    for (const [id, addr] of brokerData.brokerAddrs) if (addr === brokerAddr) brokerData.brokerAddrs.delete(id);
    if (brokerData.brokerAddrs.size > 0) {
      // The group lives on; without a master, an acting-master group loses write permission.
      if (brokerData.enableActingMaster && (minId(brokerData.brokerAddrs) ?? 0) > MASTER_ID) {
        for (const queueDatas of this.topicQueueTable.values()) {
          const queueData = queueDatas.get(brokerName);
          if (queueData !== undefined) queueData.perm &= ~PermName.WRITE;
        }
      }
      return;
    }
    this.brokerAddrTable.delete(brokerName);
    const brokerNames = this.clusterAddrTable.get(brokerData.cluster);
    brokerNames?.delete(brokerName);
    if (brokerNames?.size === 0) this.clusterAddrTable.delete(brokerData.cluster);
    this.dropQueueDatas(brokerName);
  }

  private dropQueueDatas(brokerName: string): void {
    for (const [topic, queueDatas] of this.topicQueueTable) {
      if (queueDatas.delete(brokerName) && queueDatas.size === 0) this.topicQueueTable.delete(topic);
    }
  }

  /** Unregisters every broker whose registration is older than its heartbeat timeout. */
  expireInactiveBrokers(): LiveBroker[] {
    const now = this.options.clock.now();
    const expired = this.live.all().filter((broker) => broker.lastUpdateMs + broker.heartbeatTimeoutMs < now);
    for (const broker of expired) this.removeLiveBroker(broker);
    return expired;
  }

  /** Unregisters every broker that registered over the connection `connectionId`. */
  connectionClosed(connectionId: number): LiveBroker[] {
    const gone = this.live.all().filter((broker) => broker.connectionId === connectionId);
    for (const broker of gone) this.removeLiveBroker(broker);
    return gone;
  }

  private removeLiveBroker(broker: LiveBroker): void {
    const identity = this.identityOf(broker.clusterName, broker.brokerAddr);
    if (identity !== undefined) this.unregisterBroker(identity);
    // An address replaced under its id has no identity left; forget its liveness too.
    else this.live.delete(broker.clusterName, broker.brokerAddr);
  }

  /** Broker name and id of an address in a cluster (RouteInfoManager.setupUnRegisterRequest). */
  identityOf(clusterName: string, brokerAddr: string): BrokerIdentity | undefined {
    for (const data of this.brokerAddrTable.values()) {
      if (data.cluster !== clusterName) continue;
      for (const [brokerId, addr] of data.brokerAddrs) {
        if (addr === brokerAddr) return { clusterName, brokerAddr, brokerName: data.brokerName, brokerId };
      }
    }
    return undefined;
  }

  /** BROKER_HEARTBEAT and QUERY_DATA_VERSION: the broker is alive. False if it is not registered. */
  refreshLiveness(clusterName: string, brokerAddr: string): boolean {
    return this.live.touch(clusterName, brokerAddr);
  }

  liveBroker(clusterName: string, brokerAddr: string): LiveBroker | undefined {
    return this.live.get(clusterName, brokerAddr);
  }

  /** The DataVersion the broker last registered, if it is registered. */
  brokerDataVersion(clusterName: string, brokerAddr: string): DataVersion | undefined {
    return this.live.get(clusterName, brokerAddr)?.dataVersion;
  }

  isBrokerTopicConfigChanged(clusterName: string, brokerAddr: string, dataVersion: DataVersion | undefined): boolean {
    const previous = this.brokerDataVersion(clusterName, brokerAddr);
    if (previous === undefined || dataVersion === undefined) return true;
    return (
      previous.stateVersion !== dataVersion.stateVersion ||
      previous.timestamp !== dataVersion.timestamp ||
      previous.counter !== dataVersion.counter
    );
  }

  /** GET_ROUTEINFO_BY_TOPIC: undefined when no live broker serves the topic. */
  pickupTopicRoute(topic: string): TopicRouteData | undefined {
    const queueDataMap = this.topicQueueTable.get(topic);
    if (queueDataMap === undefined) return undefined;
    const names = [...queueDataMap.keys()].sort();
    const queueDatas: QueueData[] = names.map((name) => ({ ...(queueDataMap.get(name) as QueueData) }));
    const brokerDatas: BrokerData[] = [];
    const filterServerTable: Record<string, readonly string[]> = {};
    for (const name of names) {
      const data = this.brokerAddrTable.get(name);
      if (data === undefined) continue;
      brokerDatas.push(brokerDataSnapshot(data));
      for (const addr of data.brokerAddrs.values()) {
        const filters = this.filterServerTable.get(liveKey(data.cluster, addr));
        if (filters !== undefined) filterServerTable[addr] = filters;
      }
    }
    if (brokerDatas.length === 0) return undefined;
    const route = { queueDatas, brokerDatas, filterServerTable };
    if (this.options.supportActingMaster !== true || topic.startsWith(SYNC_BROKER_MEMBER_GROUP_PREFIX)) return route;
    return { ...route, brokerDatas: brokerDatas.map((data) => withActingMaster(data, queueDatas)) };
  }

  /** GET_BROKER_CLUSTER_INFO. */
  clusterInfo(): ClusterInfo {
    const brokerAddrTable: Record<string, BrokerData> = {};
    for (const [name, data] of this.brokerAddrTable) brokerAddrTable[name] = brokerDataSnapshot(data);
    const clusterAddrTable: Record<string, string[]> = {};
    for (const [cluster, names] of this.clusterAddrTable) clusterAddrTable[cluster] = [...names];
    return { brokerAddrTable, clusterAddrTable };
  }

  /** GET_ALL_TOPIC_LIST_FROM_NAMESERVER. */
  allTopics(): string[] {
    return [...this.topicQueueTable.keys()];
  }

  /** GET_TOPICS_BY_CLUSTER: topics with queues on any broker of the cluster (none for an unknown cluster). */
  topicsByCluster(clusterName: string): string[] {
    const brokerNames = this.clusterAddrTable.get(clusterName) ?? new Set<string>();
    const topics: string[] = [];
    for (const [topic, queueDatas] of this.topicQueueTable) {
      if ([...brokerNames].some((name) => queueDatas.has(name))) topics.push(topic);
    }
    return topics;
  }

  /** GET_SYSTEM_TOPIC_LIST_FROM_NS: cluster and broker names, and one broker address. */
  systemTopicList(): { topicList: string[]; brokerAddr?: string } {
    const topicList = new Set<string>();
    for (const [cluster, names] of this.clusterAddrTable) {
      topicList.add(cluster);
      for (const name of names) topicList.add(name);
    }
    for (const data of this.brokerAddrTable.values()) {
      const first = data.brokerAddrs.values().next();
      if (!first.done) return { topicList: [...topicList], brokerAddr: first.value };
    }
    return { topicList: [...topicList] };
  }

  /** DELETE_TOPIC_IN_NAMESRV: everywhere, or only from the brokers of one cluster. */
  deleteTopic(topic: string, clusterName?: string): void {
    if (clusterName === undefined) {
      this.topicQueueTable.delete(topic);
      return;
    }
    const queueDatas = this.topicQueueTable.get(topic);
    const brokerNames = this.clusterAddrTable.get(clusterName);
    if (queueDatas === undefined || brokerNames === undefined) return;
    for (const name of brokerNames) queueDatas.delete(name);
    if (queueDatas.size === 0) this.topicQueueTable.delete(topic);
  }

  /** REGISTER_TOPIC_IN_NAMESRV: false (and no change) if a QueueData names an unregistered broker. */
  registerTopic(topic: string, queueDatas: readonly QueueData[]): boolean {
    if (queueDatas.length === 0) return true;
    if (queueDatas.some((queueData) => !this.brokerAddrTable.has(queueData.brokerName))) return false;
    for (const queueData of queueDatas) this.putQueueData(topic, { ...queueData });
    return true;
  }

  /** WIPE_WRITE_PERM_OF_BROKER: clears WRITE on every topic of the broker; answers how many. */
  wipeWritePerm(brokerName: string): number {
    return this.changePerm(brokerName, (perm) => perm & ~PermName.WRITE);
  }

  /** ADD_WRITE_PERM_OF_BROKER: sets the broker's topics to read-write (6), as Java does; answers how many. */
  addWritePerm(brokerName: string): number {
    return this.changePerm(brokerName, () => PermName.READ | PermName.WRITE);
  }

  private changePerm(brokerName: string, change: (perm: number) => number): number {
    let count = 0;
    for (const queueDatas of this.topicQueueTable.values()) {
      const queueData = queueDatas.get(brokerName);
      if (queueData === undefined) continue;
      queueData.perm = change(queueData.perm);
      count++;
    }
    return count;
  }
}
