/**
 * broker-requests.ts: the broker requests black-box tests build by hand (SEND_MESSAGE, PULL_MESSAGE,
 * HEART_BEAT, offsets), from the typed header declarations, and the decoding of what comes back.
 * Nothing here asserts: tests decide what a response should be.
 */
import {
  decodeProperties,
  decodeRecord,
  encodeProperties,
  javaStringHashCode,
  type MessageRecord,
} from '../../src/message/index.js';
import {
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  OffsetResponseHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
  QueryConsumerOffsetRequestHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  SendMessageRequestHeader,
  SendMessageRequestHeaderV2,
  SendMessageResponseHeader,
  UpdateConsumerOffsetRequestHeader,
  type RemotingCommand,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { waitFor } from './cluster.js';

export const REQUEST_TIMEOUT_MS = 5000;

export interface SendOptions {
  readonly topic: string;
  readonly body?: Buffer | string;
  /** A properties map, or a properties string as it goes on the wire. */
  readonly properties?: Readonly<Record<string, string>> | string;
  readonly queueId?: number;
  /** SEND_MESSAGE (10, long names), SEND_MESSAGE_V2 (310, one-letter names) or SEND_BATCH_MESSAGE (320). */
  readonly code?: typeof RequestCode.SEND_MESSAGE | typeof RequestCode.SEND_MESSAGE_V2 | typeof RequestCode.SEND_BATCH_MESSAGE;
  readonly producerGroup?: string;
  readonly defaultTopicQueueNums?: number;
  readonly sysFlag?: number;
  readonly flag?: number;
  readonly reconsumeTimes?: number;
  readonly maxReconsumeTimes?: number;
  readonly batch?: boolean;
  /** The producer's clock at the send; now unless given. */
  readonly bornTimestamp?: number;
}

export function propertiesString(properties: SendOptions['properties']): string {
  if (properties === undefined) return '';
  if (typeof properties === 'string') return properties;
  return encodeProperties(new Map(Object.entries(properties)));
}

/** A send request as a Java client (10, 320) or ali-ons (310) builds it; any response code. */
export function sendMessage(client: RemotingClient, brokerAddr: string, options: SendOptions): Promise<RemotingCommand> {
  const code = options.code ?? RequestCode.SEND_MESSAGE_V2;
  const header: SendMessageRequestHeader = {
    producerGroup: options.producerGroup ?? 'PID_broker_test',
    topic: options.topic,
    defaultTopic: 'TBW102',
    defaultTopicQueueNums: options.defaultTopicQueueNums ?? 4,
    queueId: options.queueId ?? 0,
    sysFlag: options.sysFlag ?? 0,
    bornTimestamp: options.bornTimestamp ?? Date.now(),
    flag: options.flag ?? 0,
    properties: propertiesString(options.properties),
    reconsumeTimes: options.reconsumeTimes,
    unitMode: false,
    maxReconsumeTimes: options.maxReconsumeTimes,
    batch: options.batch ?? code === RequestCode.SEND_BATCH_MESSAGE,
  };
  const codec = code === RequestCode.SEND_MESSAGE ? SendMessageRequestHeader : SendMessageRequestHeaderV2;
  const body = typeof options.body === 'string' ? Buffer.from(options.body) : (options.body ?? Buffer.from('hello'));
  return client.invoke(brokerAddr, { code, extFields: codec.encode(header), body }, REQUEST_TIMEOUT_MS);
}

/** The decoded send response header; throws (with code and remark) unless the send succeeded. */
export function sendResult(response: RemotingCommand): SendMessageResponseHeader {
  if (response.code !== 0) throw new Error(`send failed: ${response.code} ${response.remark ?? ''}`);
  return SendMessageResponseHeader.decode(response.extFields);
}

export interface PullOptions {
  readonly group: string;
  readonly topic: string;
  readonly queueId?: number;
  readonly offset?: number;
  readonly maxMsgNums?: number;
  /** PullSysFlag bits; SUBSCRIPTION unless given. */
  readonly sysFlag?: number;
  readonly subscription?: string;
  readonly subVersion?: number;
  readonly expressionType?: string;
  readonly suspendTimeoutMillis?: number;
  readonly commitOffset?: number;
  readonly timeoutMs?: number;
}

/** A PULL_MESSAGE request as ali-ons builds it; any response code. */
export function pullMessage(client: RemotingClient, brokerAddr: string, options: PullOptions): Promise<RemotingCommand> {
  const extFields = PullMessageRequestHeader.encode({
    consumerGroup: options.group,
    topic: options.topic,
    queueId: options.queueId ?? 0,
    queueOffset: options.offset ?? 0,
    maxMsgNums: options.maxMsgNums ?? 32,
    sysFlag: options.sysFlag ?? PullSysFlag.SUBSCRIPTION,
    commitOffset: options.commitOffset ?? 0,
    suspendTimeoutMillis: options.suspendTimeoutMillis ?? 0,
    subscription: options.subscription ?? '*',
    subVersion: options.subVersion ?? 0,
    expressionType: options.expressionType,
  });
  return client.invoke(brokerAddr, { code: RequestCode.PULL_MESSAGE, extFields }, options.timeoutMs ?? REQUEST_TIMEOUT_MS);
}

export function pullHeader(response: RemotingCommand): PullMessageResponseHeader {
  return PullMessageResponseHeader.decode(response.extFields);
}

/**
 * Every record of a queue from `offset`, pulling with long polling (2 s holds) until there are
 * `count` of them, or waitFor's time is up.
 */
export async function pullUntil(
  client: RemotingClient,
  brokerAddr: string,
  options: { readonly group: string; readonly topic: string; readonly count: number; readonly queueId?: number; readonly offset?: number; readonly subscription?: string },
): Promise<MessageRecord[]> {
  const { count, topic } = options;
  const records: MessageRecord[] = [];
  let next = options.offset ?? 0;
  await waitFor(async () => {
    const response = await pullMessage(client, brokerAddr, {
      group: options.group,
      topic,
      queueId: options.queueId ?? 0,
      offset: next,
      subscription: options.subscription ?? '*',
      sysFlag: PullSysFlag.SUBSCRIPTION | PullSysFlag.SUSPEND,
      suspendTimeoutMillis: 2000,
      timeoutMs: 10_000,
    });
    if (response.code === ResponseCode.SUCCESS) records.push(...decodeRecords(response.body));
    if (response.code === ResponseCode.SUCCESS || response.code === ResponseCode.PULL_NOT_FOUND) next = pullHeader(response).nextBeginOffset;
    return records.length >= count;
  }, `${count} messages in ${topic}`);
  return records;
}

/** Every record of a pull (or VIEW_MESSAGE_BY_ID) body; throws when the body is not whole records back to back. */
export function decodeRecords(body: Buffer | undefined): MessageRecord[] {
  const records: MessageRecord[] = [];
  const bytes = body ?? Buffer.alloc(0);
  let at = 0;
  while (at < bytes.length) {
    const decoded = decodeRecord(bytes, at, true);
    if (decoded.kind !== 'MESSAGE') throw new Error(`record at byte ${at} of ${bytes.length}: ${decoded.kind}`);
    records.push(decoded.message);
    at += decoded.message.size;
  }
  return records;
}

export function recordProperties(record: MessageRecord): Map<string, string> {
  return decodeProperties(record.properties);
}

export interface HeartbeatConsumer {
  readonly group: string;
  readonly messageModel?: 'CLUSTERING' | 'BROADCASTING';
  /** topic → tag expression. */
  readonly subscriptions: Readonly<Record<string, string>>;
  readonly subVersion?: number;
}

/**
 * The HEART_BEAT body exactly as ali-ons builds it (MQClient._prepareHeartbeatData and
 * buildSubscriptionData): JSON.stringify of plain objects, no expressionType for tag
 * subscriptions, CLIENT_INNER_PRODUCER among the producers.
 */
export function heartbeatBody(clientID: string, consumers: readonly HeartbeatConsumer[], producerGroups: readonly string[] = []): Buffer {
  const consumerDataSet = consumers.map((consumer) => ({
    groupName: consumer.group,
    consumeType: 'CONSUME_PASSIVELY',
    messageModel: consumer.messageModel ?? 'CLUSTERING',
    consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
    subscriptionDataSet: Object.entries(consumer.subscriptions).map(([topic, expression]) => {
      const tagsSet = expression === '*' ? [] : expression.split('||').map((tag) => tag.trim()).filter((tag) => tag.length > 0);
      return {
        topic,
        subString: expression,
        classFilterMode: false,
        tagsSet,
        codeSet: tagsSet.map(javaStringHashCode),
        subVersion: consumer.subVersion ?? Date.now(),
      };
    }),
    unitMode: false,
  }));
  const producerDataSet = [...producerGroups, 'CLIENT_INNER_PRODUCER'].map((groupName) => ({ groupName }));
  return Buffer.from(JSON.stringify({ clientID, consumerDataSet, producerDataSet }));
}

export function heartbeat(client: RemotingClient, brokerAddr: string, body: Buffer): Promise<RemotingCommand> {
  return client.invoke(brokerAddr, { code: RequestCode.HEART_BEAT, extFields: {}, body }, REQUEST_TIMEOUT_MS);
}

/** The `offset` of a GET_MAX_OFFSET / GET_MIN_OFFSET answer; throws on another code. */
export async function queueOffset(
  client: RemotingClient,
  brokerAddr: string,
  code: typeof RequestCode.GET_MAX_OFFSET | typeof RequestCode.GET_MIN_OFFSET,
  topic: string,
  queueId: number,
): Promise<number> {
  const extFields = code === RequestCode.GET_MAX_OFFSET ? GetMaxOffsetRequestHeader.encode({ topic, queueId }) : GetMinOffsetRequestHeader.encode({ topic, queueId });
  const response = await client.invoke(brokerAddr, { code, extFields }, REQUEST_TIMEOUT_MS);
  if (response.code !== 0) throw new Error(`offset query ${code}: ${response.code} ${response.remark ?? ''}`);
  return OffsetResponseHeader.decode(response.extFields).offset;
}

export async function earliestStoreTime(client: RemotingClient, brokerAddr: string, topic: string, queueId: number): Promise<number> {
  const extFields = GetEarliestMsgStoretimeRequestHeader.encode({ topic, queueId });
  const response = await client.invoke(brokerAddr, { code: RequestCode.GET_EARLIEST_MSG_STORETIME, extFields }, REQUEST_TIMEOUT_MS);
  if (response.code !== 0) throw new Error(`earliest store time: ${response.code} ${response.remark ?? ''}`);
  return GetEarliestMsgStoretimeResponseHeader.decode(response.extFields).timestamp;
}

export async function searchOffset(
  client: RemotingClient,
  brokerAddr: string,
  topic: string,
  queueId: number,
  timestamp: number,
  boundaryType?: 'lower' | 'upper',
): Promise<number> {
  const extFields = SearchOffsetRequestHeader.encode({ topic, queueId, timestamp, boundaryType });
  const response = await client.invoke(brokerAddr, { code: RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, extFields }, REQUEST_TIMEOUT_MS);
  if (response.code !== 0) throw new Error(`search offset: ${response.code} ${response.remark ?? ''}`);
  return OffsetResponseHeader.decode(response.extFields).offset;
}

export function queryConsumerOffset(
  client: RemotingClient,
  brokerAddr: string,
  group: string,
  topic: string,
  queueId: number,
  setZeroIfNotFound?: boolean,
): Promise<RemotingCommand> {
  const extFields = QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId, setZeroIfNotFound });
  return client.invoke(brokerAddr, { code: RequestCode.QUERY_CONSUMER_OFFSET, extFields }, REQUEST_TIMEOUT_MS);
}

export function updateConsumerOffset(
  client: RemotingClient,
  brokerAddr: string,
  group: string,
  topic: string,
  queueId: number,
  commitOffset: number,
): Promise<RemotingCommand> {
  const extFields = UpdateConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic, queueId, commitOffset });
  return client.invoke(brokerAddr, { code: RequestCode.UPDATE_CONSUMER_OFFSET, extFields }, REQUEST_TIMEOUT_MS);
}
