/**
 * consumer-running-info.ts: ConsumerRunningInfo, a client's answer to GET_CONSUMER_RUNNING_INFO
 * (307): its properties (settings, PROP_* keys), subscriptions, one ProcessQueueInfo per assigned
 * queue (keyed by MessageQueue objects, fastjson's way), and pull/consume rates per topic.
 */
import { BodyError } from '../errors.js';
import { fastJsonTreeField, isFastJsonTreeObject, parseFastJsonTree, type QueueKey } from './message-queue-map.js';
import { decodeSubscription, type SubscriptionData } from './heartbeat.js';
import { asArray, asBoolean, asInteger, asObject, asString, optional } from './shape.js';
import { compareQueueKeys, decodeQueueMapTree, encodeQueueMapText, javaDoubleJson, sortedJson, treeEntries, treeToJson } from './tree-shape.js';

export const ConsumerRunningInfoProperty = {
  NAMESERVER_ADDR: 'PROP_NAMESERVER_ADDR',
  THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

/** ProcessQueueInfo.java: what a client holds of one queue. */
export interface ProcessQueueInfo {
  readonly commitOffset: number;
  readonly cachedMsgMinOffset: number;
  readonly cachedMsgMaxOffset: number;
  readonly cachedMsgCount: number;
  readonly cachedMsgSizeInMiB: number;
  readonly transactionMsgMinOffset: number;
  readonly transactionMsgMaxOffset: number;
  readonly transactionMsgCount: number;
  readonly locked: boolean;
  readonly tryUnlockTimes: number;
  readonly lastLockTimestamp: number;
  /** Java's spelling. */
  readonly droped: boolean;
  readonly lastPullTimestamp: number;
  readonly lastConsumeTimestamp: number;
}

/** ConsumeStatus.java: a topic's rates over the last minute (failed messages over the last hour). */
export interface ConsumeStatus {
  readonly pullRT: number;
  readonly pullTPS: number;
  readonly consumeRT: number;
  readonly consumeOKTPS: number;
  readonly consumeFailedTPS: number;
  readonly consumeFailedMsgs: number;
}

export interface ConsumerRunningInfo {
  readonly properties: Readonly<Record<string, string>>;
  readonly subscriptionSet: readonly SubscriptionData[];
  readonly mqTable: readonly { readonly queue: QueueKey; readonly info: ProcessQueueInfo }[];
  readonly statusTable: Readonly<Record<string, ConsumeStatus>>;
  readonly userConsumerInfo: Readonly<Record<string, string>>;
  readonly jstack?: string | undefined;
}

const PROCESS_QUEUE_LONGS = [
  'commitOffset', 'cachedMsgMinOffset', 'cachedMsgMaxOffset', 'cachedMsgCount', 'cachedMsgSizeInMiB', 'transactionMsgMinOffset',
  'transactionMsgMaxOffset', 'transactionMsgCount', 'tryUnlockTimes', 'lastLockTimestamp', 'lastPullTimestamp', 'lastConsumeTimestamp',
] as const;

function decodeProcessQueueInfo(value: unknown, path: string): ProcessQueueInfo {
  const object = asObject(value, path);
  const longs = Object.fromEntries(PROCESS_QUEUE_LONGS.map((name) => [name, optional(object[name], 0, (v) => asInteger(v, `${path}.${name}`))]));
  return {
    ...(longs as Record<(typeof PROCESS_QUEUE_LONGS)[number], number>),
    locked: optional(object['locked'], false, (v) => asBoolean(v, `${path}.locked`)),
    droped: optional(object['droped'], false, (v) => asBoolean(v, `${path}.droped`)),
  };
}

function asDouble(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BodyError(`${path} is not a number`);
  return value;
}

function decodeConsumeStatus(value: unknown, path: string): ConsumeStatus {
  const object = asObject(value, path);
  const double = (name: string): number => optional(object[name], 0, (v) => asDouble(v, `${path}.${name}`));
  return {
    pullRT: double('pullRT'),
    pullTPS: double('pullTPS'),
    consumeRT: double('consumeRT'),
    consumeOKTPS: double('consumeOKTPS'),
    consumeFailedTPS: double('consumeFailedTPS'),
    consumeFailedMsgs: optional(object['consumeFailedMsgs'], 0, (v) => asInteger(v, `${path}.consumeFailedMsgs`)),
  };
}

/** Any JSON value as a properties value (Java's Properties may hold non-strings). */
function propertyText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function statusText(status: ConsumeStatus): string {
  return `{"consumeFailedMsgs":${status.consumeFailedMsgs},"consumeFailedTPS":${javaDoubleJson(status.consumeFailedTPS)},"consumeOKTPS":${javaDoubleJson(status.consumeOKTPS)},"consumeRT":${javaDoubleJson(status.consumeRT)},"pullRT":${javaDoubleJson(status.pullRT)},"pullTPS":${javaDoubleJson(status.pullTPS)}}`;
}

/** The body as a Java client writes it (TreeMaps sorted, fastjson's key order). */
export function encodeConsumerRunningInfo(info: ConsumerRunningInfo): Buffer {
  const mqTable = [...info.mqTable].sort((a, b) => compareQueueKeys(a.queue, b.queue)).map(({ queue, info: pq }) => ({ queue, json: sortedJson({ ...pq }) }));
  const statuses = Object.keys(info.statusTable).sort().map((topic) => `${JSON.stringify(topic)}:${statusText(info.statusTable[topic] as ConsumeStatus)}`);
  const subscriptions = [...info.subscriptionSet].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  const parts = [
    ...(info.jstack === undefined ? [] : [`"jstack":${JSON.stringify(info.jstack)}`]),
    `"mqPopTable":{}`,
    `"mqTable":${encodeQueueMapText(mqTable)}`,
    `"properties":${JSON.stringify(info.properties)}`,
    `"statusTable":{${statuses.join(',')}}`,
    `"subscriptionSet":[${subscriptions.map((subscription) => sortedJson({ ...subscription })).join(',')}]`,
    `"userConsumerInfo":${JSON.stringify(info.userConsumerInfo)}`,
  ];
  return Buffer.from(`{${parts.join(',')}}`);
}

/** Throws BodyError. */
export function decodeConsumerRunningInfo(body: Buffer | undefined): ConsumerRunningInfo {
  const root = parseFastJsonTree(body, 'consumerRunningInfo');
  if (!isFastJsonTreeObject(root)) throw new BodyError('consumerRunningInfo is not an object');
  const plain = (name: string): unknown => treeToJson(fastJsonTreeField(root, name), `consumerRunningInfo.${name}`);
  const properties = optional(plain('properties'), {}, (v) => asObject(v, 'consumerRunningInfo.properties'));
  const statusTable = treeEntries(fastJsonTreeField(root, 'statusTable'), 'consumerRunningInfo.statusTable');
  const userInfo = optional(plain('userConsumerInfo'), {}, (v) => asObject(v, 'consumerRunningInfo.userConsumerInfo'));
  return {
    properties: Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, propertyText(value)])),
    subscriptionSet: optional(plain('subscriptionSet'), [], (v) =>
      asArray(v, 'consumerRunningInfo.subscriptionSet').map((item, index) => decodeSubscription(item, `consumerRunningInfo.subscriptionSet[${index}]`)),
    ),
    mqTable: decodeQueueMapTree(fastJsonTreeField(root, 'mqTable'), 'consumerRunningInfo.mqTable', decodeProcessQueueInfo).map(({ queue, value }) => ({ queue, info: value })),
    statusTable: Object.fromEntries(
      statusTable.map(([topic, value]) => [topic, decodeConsumeStatus(treeToJson(value, `statusTable.${topic}`), `consumerRunningInfo.statusTable.${topic}`)]),
    ),
    userConsumerInfo: Object.fromEntries(Object.entries(userInfo).map(([key, value]) => [key, propertyText(value)])),
    jstack: optional(plain('jstack'), undefined, (v) => asString(v, 'consumerRunningInfo.jstack')),
  };
}
