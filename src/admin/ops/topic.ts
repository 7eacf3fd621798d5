/**
 * ops/topic.ts: the topic requests mqadmin's topic commands send, as DefaultMQAdminExtImpl and
 * MQClientAPIImpl send them: create/update a topic on a broker (17) or a list of them (18),
 * delete it from brokers (215) and name servers (216), topic stats (202) gathered over a route,
 * the clusters serving a topic, order confs in the name servers' ORDER_TOPIC_CONFIG namespace,
 * and CommandUtil's lookups (broker names of a cluster, broker name of an address).
 * Must not: print; commands do that.
 */
import {
  CreateTopicRequestHeader,
  DeleteTopicFromNamesrvRequestHeader,
  DeleteTopicRequestHeader,
  GetTopicStatsInfoRequestHeader,
  PermName,
  RequestCode,
  decodeTopicStatsTable,
  encodeCreateTopicList,
  permToString,
  type BrokerData,
  type TopicConfig,
  type TopicStatsTable,
} from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../errors.js';
import { atNamesrv, getKvConfig, putKvConfig } from './namesrv.js';

/** MixAll.AUTO_CREATE_TOPIC_KEY_TOPIC, the defaultTopic of UPDATE_AND_CREATE_TOPIC. */
export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
/** NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

/** A TopicConfig as `new TopicConfig(name)` leaves it: 8/8 queues, RW, SINGLE_TAG. */
export function defaultTopicConfig(topicName: string): TopicConfig {
  return {
    topicName,
    readQueueNums: 8,
    writeQueueNums: 8,
    perm: PermName.READ | PermName.WRITE,
    topicFilterType: 'SINGLE_TAG',
    topicSysFlag: 0,
    order: false,
    attributes: {},
  };
}

/** Java's HashMap.toString of attributes: {+a=b, -c=}. */
export function attributesToString(attributes: Readonly<Record<string, string>>): string {
  return `{${Object.entries(attributes).map(([key, value]) => `${key}=${value}`).join(', ')}}`;
}

/** TopicConfig.toString, as updateTopic prints it. */
export function topicConfigToString(config: TopicConfig): string {
  return (
    `TopicConfig [topicName=${config.topicName}, readQueueNums=${config.readQueueNums}, writeQueueNums=${config.writeQueueNums}, ` +
    `perm=${permToString(config.perm)}, topicFilterType=${config.topicFilterType}, topicSysFlag=${config.topicSysFlag}, ` +
    `order=${config.order}, attributes=${attributesToString(config.attributes)}]`
  );
}

/** AttributeParser.parseToMap: "+a=b,+c=d,-e" → {"+a":"b","+c":"d","-e":""}. Throws AdminError. */
export function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (text === '') return attributes;
  for (const item of text.split(',')) {
    let key: string;
    let value: string;
    if (item.includes('=')) {
      [key = '', value = ''] = item.split('=');
      if (!key.includes('+')) throw new AdminError(`add/alter attribute format is wrong: ${key}`);
    } else {
      key = item;
      value = '';
      if (!key.includes('-')) throw new AdminError(`delete attribute format is wrong: ${key}`);
    }
    if (Object.hasOwn(attributes, key)) throw new AdminError(`key duplication: ${key}`);
    attributes[key] = value;
  }
  return attributes;
}

/** AttributeParser.parseToString: the inverse of parseAttributes. */
export function attributesToHeader(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes).map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join(',');
}

/** PermName.isValid: no bits outside PRIORITY|READ|WRITE|INHERIT. */
function checkPerm(perm: number): void {
  if (!Number.isInteger(perm) || perm < 0 || (perm & ~(PermName.PRIORITY | PermName.READ | PermName.WRITE | PermName.INHERIT)) !== 0) {
    throw new AdminError(`topicPermission value: ${perm} is invalid.`);
  }
}

/** UPDATE_AND_CREATE_TOPIC (17) to one broker (MQClientAPIImpl.createTopic). */
export async function createAndUpdateTopicConfig(admin: AdminClient, brokerAddr: string, config: TopicConfig): Promise<void> {
  checkPerm(config.perm);
  const extFields = CreateTopicRequestHeader.encode({
    topic: config.topicName,
    defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
    readQueueNums: config.readQueueNums,
    writeQueueNums: config.writeQueueNums,
    perm: config.perm,
    topicFilterType: config.topicFilterType,
    topicSysFlag: config.topicSysFlag,
    order: config.order,
    attributes: attributesToHeader(config.attributes),
  });
  AdminClient.ok(await admin.broker(brokerAddr, { code: RequestCode.UPDATE_AND_CREATE_TOPIC, extFields }), `create topic ${config.topicName} on ${brokerAddr}`);
}

/** UPDATE_AND_CREATE_TOPIC_LIST (18) to one broker (MQClientAPIImpl.createTopicList). */
export async function createAndUpdateTopicConfigList(admin: AdminClient, brokerAddr: string, configs: readonly TopicConfig[]): Promise<void> {
  for (const config of configs) checkPerm(config.perm);
  const body = encodeCreateTopicList(configs);
  AdminClient.ok(await admin.broker(brokerAddr, { code: RequestCode.UPDATE_AND_CREATE_TOPIC_LIST, body }), `create topic list on ${brokerAddr}`);
}

/** DELETE_TOPIC_IN_BROKER (215) to each broker. */
export async function deleteTopicInBrokers(admin: AdminClient, brokerAddrs: readonly string[], topic: string): Promise<void> {
  for (const addr of brokerAddrs) {
    const extFields = DeleteTopicRequestHeader.encode({ topic });
    AdminClient.ok(await admin.broker(addr, { code: RequestCode.DELETE_TOPIC_IN_BROKER, extFields }), `delete topic ${topic} on ${addr}`);
  }
}

/** DELETE_TOPIC_IN_NAMESRV (216) to every name server, for one cluster's brokers. */
export async function deleteTopicInNameServers(admin: AdminClient, clusterName: string, topic: string): Promise<void> {
  for (const addr of admin.namesrvAddrs) {
    const extFields = DeleteTopicFromNamesrvRequestHeader.encode({ topic, clusterName });
    AdminClient.ok(await atNamesrv(admin, addr, { code: RequestCode.DELETE_TOPIC_IN_NAMESRV, extFields }), `delete topic ${topic} on name server ${addr}`);
  }
}

/** BrokerData.selectBrokerAddr: the master, else any slave. */
export function selectBrokerAddr(broker: BrokerData): string | undefined {
  return broker.brokerAddrs['0'] ?? Object.values(broker.brokerAddrs)[0];
}

/** GET_TOPIC_STATS_INFO (202) to one broker. */
export async function topicStatsOfBroker(admin: AdminClient, brokerAddr: string, topic: string): Promise<TopicStatsTable> {
  const extFields = GetTopicStatsInfoRequestHeader.encode({ topic });
  const response = AdminClient.ok(await admin.broker(brokerAddr, { code: RequestCode.GET_TOPIC_STATS_INFO, extFields }), `stats of topic ${topic} on ${brokerAddr}`);
  return decodeTopicStatsTable(response.body);
}

/**
 * examineTopicStats: the stats of `topic` from every broker of `routeTopic`'s route (the topic's
 * own unless topicStatus -c names another), merged; put TPS is summed over the brokers.
 */
export async function examineTopicStats(admin: AdminClient, topic: string, routeTopic = topic): Promise<TopicStatsTable> {
  const route = await admin.topicRoute(routeTopic);
  const offsetTable: TopicStatsTable['offsetTable'][number][] = [];
  let topicPutTps = 0;
  for (const broker of route.brokerDatas) {
    const addr = selectBrokerAddr(broker);
    if (addr === undefined) continue;
    const stats = await topicStatsOfBroker(admin, addr, topic);
    offsetTable.push(...stats.offsetTable);
    topicPutTps += stats.topicPutTps;
  }
  if (offsetTable.length === 0) throw new AdminError('Not found the topic stats info');
  return { offsetTable, topicPutTps };
}

/** getTopicClusterList: the clusters holding the first broker of the topic's route. */
export async function topicClusters(admin: AdminClient, topic: string): Promise<string[]> {
  const info = await admin.clusterInfo();
  const route = await admin.topicRoute(topic);
  const brokerName = route.brokerDatas[0]?.brokerName;
  if (brokerName === undefined) throw new AdminError(`topic ${topic} has no broker in its route`);
  return Object.entries(info.clusterAddrTable).filter(([, names]) => names.includes(brokerName)).map(([cluster]) => cluster);
}

/** CommandUtil.fetchBrokerNameByClusterName. */
export async function brokerNamesOfCluster(admin: AdminClient, cluster: string): Promise<readonly string[]> {
  const names = (await admin.clusterInfo()).clusterAddrTable[cluster];
  if (names === undefined || names.length === 0) throw new AdminError(`Make sure the specified clusterName exists or the nameserver which connected is correct.`);
  return names;
}

/** CommandUtil.fetchBrokerNameByAddr. */
export async function brokerNameOfAddr(admin: AdminClient, brokerAddr: string): Promise<string> {
  const info = await admin.clusterInfo();
  for (const broker of Object.values(info.brokerAddrTable)) {
    if (Object.values(broker.brokerAddrs).includes(brokerAddr)) return broker.brokerName;
  }
  throw new AdminError(`Make sure the specified broker addr exists or the nameserver which connected is correct.`);
}

/**
 * createOrUpdateOrderConf: a cluster-wide conf replaces the topic's value; a one-broker conf
 * ("brokerName:num") replaces that broker's entry and keeps the others.
 */
export async function createOrUpdateOrderConf(admin: AdminClient, topic: string, orderConf: string, isCluster: boolean): Promise<void> {
  if (isCluster) {
    await putKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic, orderConf);
    return;
  }
  const old = await getKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
  const byBroker = new Map<string, string>();
  for (const item of (old ?? '').trim() === '' ? [] : (old ?? '').split(';')) byBroker.set(item.split(':')[0] ?? '', item);
  byBroker.set(orderConf.split(':')[0] ?? '', orderConf);
  await putKvConfig(admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic, [...byBroker.values()].join(';'));
}

/** CLEAN_UNUSED_TOPIC (316) to one broker. */
export async function cleanUnusedTopicByAddr(admin: AdminClient, brokerAddr: string): Promise<void> {
  AdminClient.ok(await admin.broker(brokerAddr, { code: RequestCode.CLEAN_UNUSED_TOPIC }), `clean unused topic on ${brokerAddr}`);
}
