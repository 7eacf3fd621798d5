/**
 * topic-route.ts: TopicRouteData, the answer to GET_ROUTEINFO_BY_TOPIC (TopicRouteData.java,
 * QueueData.java, BrokerData.java), and ClusterInfo, the answer to GET_BROKER_CLUSTER_INFO.
 *
 * brokerAddrs maps a broker id (0 = master) to "ip:port". Java's name server writes those ids as
 * unquoted keys ({0:"..."}) to clients older than V4_9_4 that did not ask for standard JSON.
 */
import { parseBody, stringifyFastJson } from './fastjson.js';
import { asArray, asBoolean, asInteger, asObject, asString, asStringMap, optional } from './shape.js';

/** RocketMQ's MQVersion ordinal of V4_9_4: clients from it on read standard JSON. */
export const VERSION_STANDARD_JSON_MIN = 401;

export interface QueueData {
  readonly brokerName: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
  readonly topicSysFlag: number;
}

export interface BrokerData {
  readonly cluster: string;
  readonly brokerName: string;
  /** broker id (as a decimal string) to "ip:port"; "0" is the master. */
  readonly brokerAddrs: Readonly<Record<string, string>>;
  readonly enableActingMaster: boolean;
}

export interface TopicRouteData {
  readonly orderTopicConf?: string | undefined;
  readonly queueDatas: readonly QueueData[];
  readonly brokerDatas: readonly BrokerData[];
  readonly filterServerTable: Readonly<Record<string, readonly string[]>>;
}

export interface ClusterInfo {
  readonly brokerAddrTable: Readonly<Record<string, BrokerData>>;
  readonly clusterAddrTable: Readonly<Record<string, readonly string[]>>;
}

function brokerDataToJson(data: BrokerData): Record<string, unknown> {
  return {
    brokerAddrs: data.brokerAddrs,
    brokerName: data.brokerName,
    cluster: data.cluster,
    enableActingMaster: data.enableActingMaster,
  };
}

function queueDataToJson(data: QueueData): Record<string, unknown> {
  return {
    brokerName: data.brokerName,
    perm: data.perm,
    readQueueNums: data.readQueueNums,
    topicSysFlag: data.topicSysFlag,
    writeQueueNums: data.writeQueueNums,
  };
}

export function encodeTopicRouteData(route: TopicRouteData, standardJson: boolean): Buffer {
  const json: Record<string, unknown> = {
    brokerDatas: route.brokerDatas.map(brokerDataToJson),
    filterServerTable: route.filterServerTable,
  };
  if (route.orderTopicConf !== undefined) json['orderTopicConf'] = route.orderTopicConf;
  json['queueDatas'] = route.queueDatas.map(queueDataToJson);
  return Buffer.from(stringifyFastJson(json, !standardJson));
}

export function encodeClusterInfo(info: ClusterInfo, standardJson: boolean): Buffer {
  const brokerAddrTable: Record<string, unknown> = {};
  for (const [name, data] of Object.entries(info.brokerAddrTable)) brokerAddrTable[name] = brokerDataToJson(data);
  return Buffer.from(stringifyFastJson({ brokerAddrTable, clusterAddrTable: info.clusterAddrTable }, !standardJson));
}

export function decodeBrokerData(value: unknown, path: string): BrokerData {
  const object = asObject(value, path);
  return {
    cluster: optional(object['cluster'], '', (v) => asString(v, `${path}.cluster`)),
    brokerName: asString(object['brokerName'], `${path}.brokerName`),
    brokerAddrs: optional(object['brokerAddrs'], {}, (v) => asStringMap(v, `${path}.brokerAddrs`)),
    enableActingMaster: optional(object['enableActingMaster'], false, (v) => asBoolean(v, `${path}.enableActingMaster`)),
  };
}

export function decodeQueueData(value: unknown, path: string): QueueData {
  const object = asObject(value, path);
  return {
    brokerName: asString(object['brokerName'], `${path}.brokerName`),
    readQueueNums: asInteger(object['readQueueNums'], `${path}.readQueueNums`),
    writeQueueNums: asInteger(object['writeQueueNums'], `${path}.writeQueueNums`),
    perm: asInteger(object['perm'], `${path}.perm`),
    topicSysFlag: optional(object['topicSysFlag'], 0, (v) => asInteger(v, `${path}.topicSysFlag`)),
  };
}

export function decodeTopicRouteData(body: Buffer | undefined): TopicRouteData {
  const root = asObject(parseBody(body, 'topic route'), 'route');
  const filters = optional(root['filterServerTable'], {}, (v) => asObject(v, 'route.filterServerTable'));
  const filterServerTable: Record<string, string[]> = {};
  for (const [addr, list] of Object.entries(filters)) {
    filterServerTable[addr] = asArray(list, `route.filterServerTable.${addr}`).map((item) => asString(item, addr));
  }
  return {
    orderTopicConf: optional(root['orderTopicConf'], undefined, (v) => asString(v, 'route.orderTopicConf')),
    queueDatas: asArray(root['queueDatas'], 'route.queueDatas').map((q, i) => decodeQueueData(q, `route.queueDatas[${i}]`)),
    brokerDatas: asArray(root['brokerDatas'], 'route.brokerDatas').map((b, i) => decodeBrokerData(b, `route.brokerDatas[${i}]`)),
    filterServerTable,
  };
}

export function decodeClusterInfo(body: Buffer | undefined): ClusterInfo {
  const root = asObject(parseBody(body, 'cluster info'), 'clusterInfo');
  const brokerAddrTable: Record<string, BrokerData> = {};
  const brokers = optional(root['brokerAddrTable'], {}, (v) => asObject(v, 'clusterInfo.brokerAddrTable'));
  for (const [name, data] of Object.entries(brokers)) brokerAddrTable[name] = decodeBrokerData(data, `clusterInfo.brokerAddrTable.${name}`);
  const clusterAddrTable: Record<string, string[]> = {};
  const clusters = optional(root['clusterAddrTable'], {}, (v) => asObject(v, 'clusterInfo.clusterAddrTable'));
  for (const [name, list] of Object.entries(clusters)) {
    clusterAddrTable[name] = asArray(list, `clusterInfo.clusterAddrTable.${name}`).map((item) => asString(item, name));
  }
  return { brokerAddrTable, clusterAddrTable };
}
