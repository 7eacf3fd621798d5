/**
 * ops/broker.ts: the broker requests of the cluster and broker commands (DefaultMQAdminExt's
 * fetchBrokerRuntimeStats, getBrokerConfig, updateBrokerConfig, viewBrokerStatsData,
 * queryTopicConsumeByWho, cleanExpiredConsumerQueue, deleteExpiredCommitLog) and the address
 * lookups of CommandUtil. Each throws AdminError with the broker's answer when it is not SUCCESS.
 */
import { encodeProperties, MessageConst } from '../../message/index.js';
import {
  AddWritePermOfBrokerRequestHeader,
  AddWritePermOfBrokerResponseHeader,
  consumeStatsTotalDiff,
  decodeBrokerStatsData,
  decodeConsumeStats,
  GetConsumeStatsRequestHeader,
  ResponseCode,
  SendMessageRequestHeaderV2,
  WipeWritePermOfBrokerRequestHeader,
  WipeWritePermOfBrokerResponseHeader,
  decodeGroupList,
  decodeKVTable,
  decodePropertiesText,
  encodePropertiesText,
  QueryTopicConsumeByWhoRequestHeader,
  RequestCode,
  ViewBrokerStatsDataRequestHeader,
  type BrokerStatsData,
  type ClusterInfo,
} from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../errors.js';

/** One broker of a cluster as the name server lists it. */
export interface BrokerEntry {
  readonly cluster: string;
  readonly brokerName: string;
  readonly brokerId: number;
  readonly address: string;
}

/** The brokers of the clusters named (all when `clusters` is empty), by broker name then id. */
export function brokersOf(info: ClusterInfo, clusters: readonly string[]): BrokerEntry[] {
  const names = clusters.length > 0 ? clusters : Object.keys(info.clusterAddrTable).sort();
  const entries: BrokerEntry[] = [];
  for (const cluster of names) {
    for (const brokerName of [...(info.clusterAddrTable[cluster] ?? [])].sort()) {
      const data = info.brokerAddrTable[brokerName];
      if (data === undefined) continue;
      const ids = Object.keys(data.brokerAddrs).map(Number).sort((a, b) => a - b);
      for (const brokerId of ids) {
        const address = data.brokerAddrs[String(brokerId)];
        if (address !== undefined) entries.push({ cluster, brokerName, brokerId, address });
      }
    }
  }
  return entries;
}

/** CommandUtil.fetchMasterAndSlaveAddrByClusterName: every address of the cluster's brokers. */
export async function clusterAddresses(admin: AdminClient, cluster: string, mastersOnly = false): Promise<BrokerEntry[]> {
  const info = await admin.clusterInfo();
  if (info.clusterAddrTable[cluster] === undefined) throw new AdminError(`cluster ${cluster} does not exist`);
  return brokersOf(info, [cluster]).filter((entry) => !mastersOnly || entry.brokerId === 0);
}

/** GET_BROKER_RUNTIME_INFO (28): the runtime info table. */
export async function fetchBrokerRuntimeStats(admin: AdminClient, address: string): Promise<Record<string, string>> {
  const response = AdminClient.ok(await admin.broker(address, { code: RequestCode.GET_BROKER_RUNTIME_INFO }), `runtime info of broker ${address}`);
  return decodeKVTable(response.body);
}

/** GET_BROKER_CONFIG (26): the broker's config entries in its order. */
export async function getBrokerConfig(admin: AdminClient, address: string): Promise<[string, string][]> {
  const response = AdminClient.ok(await admin.broker(address, { code: RequestCode.GET_BROKER_CONFIG }), `config of broker ${address}`);
  return decodePropertiesText(response.body);
}

/** UPDATE_BROKER_CONFIG (25): changes keys at runtime (the broker persists them). */
export async function updateBrokerConfig(admin: AdminClient, address: string, entries: readonly (readonly [string, string])[]): Promise<void> {
  const body = encodePropertiesText(entries);
  AdminClient.ok(await admin.broker(address, { code: RequestCode.UPDATE_BROKER_CONFIG, body }), `update config of broker ${address}`);
}

/** VIEW_BROKER_STATS_DATA (315): one statistic over the last minute, hour and day. */
export async function viewBrokerStatsData(admin: AdminClient, address: string, statsName: string, statsKey: string): Promise<BrokerStatsData> {
  const extFields = ViewBrokerStatsDataRequestHeader.encode({ statsName, statsKey });
  const response = AdminClient.ok(await admin.broker(address, { code: RequestCode.VIEW_BROKER_STATS_DATA, extFields }), `${statsName} ${statsKey} of broker ${address}`);
  return decodeBrokerStatsData(response.body);
}

/** QUERY_TOPIC_CONSUME_BY_WHO (300): the groups consuming a topic on one broker. */
export async function queryTopicConsumeByWho(admin: AdminClient, address: string, topic: string): Promise<string[]> {
  const extFields = QueryTopicConsumeByWhoRequestHeader.encode({ topic });
  const response = AdminClient.ok(await admin.broker(address, { code: RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, extFields }), `consumers of ${topic} on broker ${address}`);
  return decodeGroupList(response.body);
}

/** CLEAN_EXPIRED_CONSUMEQUEUE (306) on one broker. */
export async function cleanExpiredConsumeQueue(admin: AdminClient, address: string): Promise<void> {
  AdminClient.ok(await admin.broker(address, { code: RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE }), `clean expired ConsumeQueues of broker ${address}`);
}

/** DELETE_EXPIRED_COMMITLOG (329) on one broker. */
export async function deleteExpiredCommitLog(admin: AdminClient, address: string): Promise<void> {
  AdminClient.ok(await admin.broker(address, { code: RequestCode.DELETE_EXPIRED_COMMITLOG }), `delete expired CommitLog of broker ${address}`);
}

/** Messages a consuming group has not consumed yet on one topic (ConsumeStats.computeTotalDiff over the topic's brokers), 0 when unknown. */
export async function accumulation(admin: AdminClient, masters: readonly string[], group: string, topic: string): Promise<number> {
  let total = 0;
  for (const address of masters) {
    const extFields = GetConsumeStatsRequestHeader.encode({ consumerGroup: group, topic });
    const response = await admin.broker(address, { code: RequestCode.GET_CONSUME_STATS, extFields });
    if (response.code !== ResponseCode.SUCCESS) continue;
    total += consumeStatsTotalDiff(decodeConsumeStats(response.body));
  }
  return Math.max(0, total);
}

/** The properties of a Java Message built with only a topic and a body: WAIT=true. */
const WAIT_TRUE = encodeProperties(new Map([[MessageConst.WAIT_STORE_MSG_OK, 'true']]));

/** One SEND_MESSAGE_V2 of `body` to `topic` queue 0 on a broker; true when stored. */
export async function sendToBroker(admin: AdminClient, address: string, producerGroup: string, topic: string, body: Buffer, nowMs: number): Promise<boolean> {
  const extFields = SendMessageRequestHeaderV2.encode({
    producerGroup,
    topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: 4,
    queueId: 0,
    sysFlag: 0,
    bornTimestamp: nowMs,
    flag: 0,
    properties: WAIT_TRUE,
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  });
  const response = await admin.broker(address, { code: RequestCode.SEND_MESSAGE_V2, extFields, body });
  return response.code === ResponseCode.SUCCESS;
}

/** WIPE_WRITE_PERM_OF_BROKER (205) or ADD_WRITE_PERM_OF_BROKER (327) on one name server: the topics changed. */
export async function changeWritePerm(admin: AdminClient, namesrvAddr: string, brokerName: string, wipe: boolean): Promise<number> {
  const code = wipe ? RequestCode.WIPE_WRITE_PERM_OF_BROKER : RequestCode.ADD_WRITE_PERM_OF_BROKER;
  const extFields = wipe ? WipeWritePermOfBrokerRequestHeader.encode({ brokerName }) : AddWritePermOfBrokerRequestHeader.encode({ brokerName });
  const response = AdminClient.ok(await admin.broker(namesrvAddr, { code, extFields }), `${wipe ? 'wipe' : 'add'} write perm of ${brokerName}`);
  return wipe ? WipeWritePermOfBrokerResponseHeader.decode(response.extFields).wipeTopicCount : AddWritePermOfBrokerResponseHeader.decode(response.extFields).addTopicCount;
}
