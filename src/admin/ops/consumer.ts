/**
 * ops/consumer.ts: the consumer-group requests mqadmin's group and offset commands share, as
 * DefaultMQAdminExtImpl sends them: a group's consume stats over every broker of its retry topic's
 * route, its connections, a client's running info (relayed by a broker), subscription group
 * configs, offset resets and clones. Each returns decoded data or throws a one-line AdminError.
 *
 * Must not: print; commands decide what to show.
 */
import { RETRY_GROUP_TOPIC_PREFIX } from '../../message/index.js';
import {
  CloneGroupOffsetRequestHeader,
  decodeConsumerConnection,
  decodeConsumerRunningInfo,
  decodeConsumeStats,
  decodeMessageQueueMap,
  decodeSubscriptionGroupWrapper,
  GetConsumeStatsRequestHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  OffsetResponseHeader,
  SearchOffsetRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  GetConsumerConnectionListRequestHeader,
  GetConsumerRunningInfoRequestHeader,
  RequestCode,
  ResetOffsetRequestHeader,
  ResponseCode,
  type BrokerData,
  type ConsumerConnection,
  type ConsumerRunningInfo,
  type ConsumeStats,
  type ConsumeStatsEntry,
  type QueueKey,
  type QueueOffsetEntry,
  type SubscriptionGroupConfig,
  type TopicRouteData,
} from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../errors.js';

/** Decodes a response body; a malformed one is a one-line AdminError, not a crash. */
export function decodeOrFail<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    throw new AdminError(`${what}: malformed answer: ${(error as Error).message}`);
  }
}

export function retryTopicOf(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

/** BrokerData.selectBrokerAddr: the master, else any replica. */
export function selectBrokerAddr(broker: BrokerData): string | undefined {
  return broker.brokerAddrs['0'] ?? Object.values(broker.brokerAddrs)[0];
}

/** MessageQueue.compareTo: topic, broker name, queue id. */
export function compareQueues(a: QueueKey, b: QueueKey): number {
  if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
  if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
  return a.queueId - b.queueId;
}

/** UtilAll.formatDate(date, "yyyy-MM-dd HH:mm:ss") in local time. */
export function formatDateTime(ms: number): string {
  const date = new Date(ms);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** The route of the first of `topics` that has one (examineConsumeStats' routeTopics). */
async function firstRoute(admin: AdminClient, topics: readonly string[]): Promise<TopicRouteData> {
  let failure: unknown;
  for (const topic of topics) {
    try {
      return await admin.topicRoute(topic);
    } catch (error) {
      failure = error;
    }
  }
  throw failure instanceof Error ? failure : new AdminError(`no route of ${topics.join(', ')}`);
}

/** GET_CONSUME_STATS on one broker. */
export async function brokerConsumeStats(admin: AdminClient, addr: string, group: string, topic: string | undefined): Promise<ConsumeStats> {
  const extFields = GetConsumeStatsRequestHeader.encode({ consumerGroup: group, topic });
  const response = AdminClient.ok(await admin.broker(addr, { code: RequestCode.GET_CONSUME_STATS, extFields }), `consume stats of ${group} on ${addr}`);
  return decodeOrFail('consume stats', () => decodeConsumeStats(response.body));
}

/** examineConsumeStats: the group's progress over every broker of its route. */
export async function examineConsumeStats(admin: AdminClient, group: string, topic?: string): Promise<ConsumeStats> {
  const route = await firstRoute(admin, topic === undefined ? [retryTopicOf(group)] : [retryTopicOf(group), topic]);
  const offsetTable: ConsumeStatsEntry[] = [];
  let consumeTps = 0;
  for (const broker of route.brokerDatas) {
    const addr = selectBrokerAddr(broker);
    if (addr === undefined) continue;
    const stats = await brokerConsumeStats(admin, addr, group, topic);
    offsetTable.push(...stats.offsetTable);
    consumeTps += stats.consumeTps;
  }
  if (offsetTable.length === 0) {
    let connection: ConsumerConnection;
    try {
      connection = await examineConsumerConnection(admin, group);
    } catch {
      throw new AdminError('Not found the consumer group consume stats, because return offset table is empty, maybe the consumer not online');
    }
    if (connection.messageModel === 'BROADCASTING') {
      throw new AdminError('Not found the consumer group consume stats, because return offset table is empty, the consumer is under the broadcast mode');
    }
  }
  return { offsetTable, consumeTps };
}

/** GET_CONSUMER_CONNECTION_LIST on one broker; undefined when the group is not online there. */
export async function consumerConnectionOn(admin: AdminClient, addr: string, group: string): Promise<ConsumerConnection | undefined> {
  const extFields = GetConsumerConnectionListRequestHeader.encode({ consumerGroup: group });
  const response = await admin.broker(addr, { code: RequestCode.GET_CONSUMER_CONNECTION_LIST, extFields });
  if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) return undefined;
  AdminClient.ok(response, `connections of ${group} on ${addr}`);
  const connection = decodeOrFail('consumer connection', () => decodeConsumerConnection(response.body));
  return connection.connectionSet.length === 0 ? undefined : connection;
}

/** examineConsumerConnectionInfo: the group's clients as a broker of its retry topic sees them. */
export async function examineConsumerConnection(admin: AdminClient, group: string, brokerAddr?: string): Promise<ConsumerConnection> {
  let addr = brokerAddr;
  if (addr === undefined) {
    const route = await admin.topicRoute(retryTopicOf(group));
    const broker = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)];
    addr = broker === undefined ? undefined : selectBrokerAddr(broker);
  }
  const connection = addr === undefined ? undefined : await consumerConnectionOn(admin, addr, group);
  if (connection === undefined) throw new AdminError(`CONSUMER_NOT_ONLINE(206) Not found the consumer group connection: ${group}`);
  return connection;
}

/** GET_CONSUMER_RUNNING_INFO through a broker of the group's retry topic. */
export async function consumerRunningInfo(admin: AdminClient, group: string, clientId: string, jstack: boolean): Promise<ConsumerRunningInfo> {
  const route = await admin.topicRoute(retryTopicOf(group));
  const addrs = route.brokerDatas.map(selectBrokerAddr).filter((addr): addr is string => addr !== undefined);
  const addr = addrs[0];
  if (addr === undefined) throw new AdminError(`no broker serves ${retryTopicOf(group)}`);
  const extFields = GetConsumerRunningInfoRequestHeader.encode({ consumerGroup: group, clientId, jstackEnable: jstack });
  const response = AdminClient.ok(await admin.broker(addr, { code: RequestCode.GET_CONSUMER_RUNNING_INFO, extFields }), `running info of ${clientId}`);
  return decodeOrFail('consumer running info', () => decodeConsumerRunningInfo(response.body));
}

/** Every subscription group config of one broker (GET_ALL_SUBSCRIPTIONGROUP_CONFIG). */
export async function allSubscriptionGroups(admin: AdminClient, addr: string): Promise<Map<string, SubscriptionGroupConfig>> {
  const response = AdminClient.ok(await admin.broker(addr, { code: RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG }), `subscription groups of ${addr}`);
  return decodeOrFail('subscription groups', () => decodeSubscriptionGroupWrapper(response.body));
}

/** The master addresses of every broker in a route. */
export function routeMasters(route: TopicRouteData): { brokerName: string; addr: string }[] {
  return route.brokerDatas.flatMap((broker) => {
    const addr = selectBrokerAddr(broker);
    return addr === undefined ? [] : [{ brokerName: broker.brokerName, addr }];
  });
}

export type ResetOutcome = { readonly status: 'RESET'; readonly offsets: QueueOffsetEntry[] } | { readonly status: 'NOT_ONLINE' };

/** INVOKE_BROKER_TO_RESET_OFFSET on one broker; NOT_ONLINE when the group has no live client there. */
export async function invokeBrokerToResetOffset(
  admin: AdminClient,
  addr: string,
  request: { topic: string; group: string; timestamp: number; isForce: boolean; queueId?: number; offset?: number },
): Promise<ResetOutcome> {
  const extFields = ResetOffsetRequestHeader.encode(request);
  const response = await admin.broker(addr, { code: RequestCode.INVOKE_BROKER_TO_RESET_OFFSET, extFields });
  if (response.code === ResponseCode.CONSUMER_NOT_ONLINE) return { status: 'NOT_ONLINE' };
  AdminClient.ok(response, `reset offset of ${request.group} on ${addr}`);
  const offsets = response.body === undefined ? [] : decodeOrFail('reset offset', () => decodeMessageQueueMap(response.body, 'offsetTable'));
  return { status: 'RESET', offsets };
}

/** CLONE_GROUP_OFFSET on every broker of srcGroup's retry topic. */
export async function cloneGroupOffset(admin: AdminClient, srcGroup: string, destGroup: string, topic: string, offline: boolean): Promise<void> {
  const route = await admin.topicRoute(retryTopicOf(srcGroup));
  for (const { addr } of routeMasters(route)) {
    const extFields = CloneGroupOffsetRequestHeader.encode({ srcGroup, destGroup, topic, offline });
    AdminClient.ok(await admin.broker(addr, { code: RequestCode.CLONE_GROUP_OFFSET, extFields }), `clone offsets on ${addr}`);
  }
}

/** The fields of a SubscriptionGroupConfig in Java's declaration order, as its tools print them. */
export const SUBSCRIPTION_GROUP_FIELDS = [
  'groupName', 'consumeEnable', 'consumeFromMinEnable', 'consumeBroadcastEnable', 'consumeMessageOrderly', 'retryQueueNums', 'retryMaxTimes',
  'brokerId', 'whichBrokerWhenConsumeSlowly', 'notifyConsumerIdsChangedEnable', 'groupSysFlag', 'consumeTimeoutMinute', 'attributes',
] as const satisfies readonly (keyof SubscriptionGroupConfig)[];

/** A value as Java's toString prints it (maps as {k=v, ...}). */
export function javaToString(value: unknown): string {
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([key, item]) => `${key}=${String(item)}`).join(', ')}}`;
  return String(value);
}

/** SubscriptionGroupConfig.toString (Guava's toStringHelper). */
export function subscriptionGroupToString(config: SubscriptionGroupConfig): string {
  return `SubscriptionGroupConfig{${SUBSCRIPTION_GROUP_FIELDS.map((field) => `${field}=${javaToString(config[field])}`).join(', ')}}`;
}

/** The brokers a group command acts on: -b, or every master of the -c cluster; undefined with neither. */
export async function targetBrokers(admin: AdminClient, brokerAddr: string | true | undefined, cluster: string | true | undefined): Promise<string[] | undefined> {
  if (typeof brokerAddr === 'string') return [brokerAddr.trim()];
  if (typeof cluster === 'string') return admin.masterAddrsOfCluster(cluster.trim());
  return undefined;
}

/** SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30) or GET_MIN_OFFSET (31) of one queue. */
export async function queueOffset(admin: AdminClient, addr: string, kind: 'search' | 'max' | 'min', topic: string, queueId: number, timestamp = 0): Promise<number> {
  const request =
    kind === 'search'
      ? { code: RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, extFields: SearchOffsetRequestHeader.encode({ topic, queueId, timestamp }) }
      : kind === 'max'
        ? { code: RequestCode.GET_MAX_OFFSET, extFields: GetMaxOffsetRequestHeader.encode({ topic, queueId }) }
        : { code: RequestCode.GET_MIN_OFFSET, extFields: GetMinOffsetRequestHeader.encode({ topic, queueId }) };
  const response = AdminClient.ok(await admin.broker(addr, request), `${kind} offset of ${topic}:${queueId} on ${addr}`);
  return decodeOrFail('offset', () => OffsetResponseHeader.decode(response.extFields).offset);
}

/** UPDATE_CONSUMER_OFFSET (15): commits a group's offset of one queue on a broker. */
export async function updateConsumerOffset(admin: AdminClient, addr: string, group: string, topic: string, queueId: number, offset: number): Promise<void> {
  const extFields = UpdateConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId, commitOffset: offset });
  AdminClient.ok(await admin.broker(addr, { code: RequestCode.UPDATE_CONSUMER_OFFSET, extFields }), `update offset of ${group} on ${topic}:${queueId}`);
}
