/**
 * ops/broker.ts: the broker requests of the cluster and broker commands (DefaultMQAdminExt's
 * fetchBrokerRuntimeStats, getBrokerConfig, updateBrokerConfig, viewBrokerStatsData,
 * queryTopicConsumeByWho, cleanExpiredConsumerQueue, deleteExpiredCommitLog) and the address
 * lookups of CommandUtil. Each throws AdminError with the broker's answer when it is not SUCCESS.
 */
import {
  decodeBrokerStatsData,
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
