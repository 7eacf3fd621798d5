/**
 * message.ts: the message requests of mqadmin (DefaultMQAdminExt / MQAdminImpl): a message by
 * its offset message id (VIEW_MESSAGE_BY_ID 33 to the broker the id names), messages by key or by
 * unique key (QUERY_MESSAGE 12 to every broker of the topic, with _UNIQUE_KEY_QUERY), the message
 * track of printMsg (which groups consumed it), the body file the tools write, and the SDK clients
 * (PullConsumer, Producer) the tools pull and send with.
 *
 * Invariants: a message is decoded as a Java client decodes it (MessageClientExt: msgId is
 * UNIQ_KEY when there is one, body inflated); key lookups keep only true matches (an index hash
 * can collide). Must not: print; commands decide what to show.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { decompressBody, MQClientError, Producer, PullConsumer, type PulledMessage } from '../../client/index.js';
import {
  createOffsetMessageId,
  decodeOffsetMessageId,
  decodeProperties,
  decodeRecord,
  formatSocketAddress,
  KEY_SEPARATOR,
  MessageConst,
  retryTopic,
} from '../../message/index.js';
import {
  decodeConsumeStats,
  decodeConsumerConnection,
  decodeGroupList,
  GetConsumeStatsRequestHeader,
  GetConsumerConnectionListRequestHeader,
  QueryMessageRequestHeader,
  QueryTopicConsumeByWhoRequestHeader,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
  ViewMessageRequestHeader,
  type BrokerData,
  type ConsumeStatsEntry,
  type ConsumerConnection,
} from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../command.js';
import { messageBlockLines, type PrintableMessage } from './message-format.js';

/** MixAll.TOOLS_CONSUMER_GROUP: the group the tools pull with. */
export const TOOLS_CONSUMER_GROUP = 'TOOLS_CONSUMER';
/** Where the tools write message bodies (QueryMsgByIdSubCommand.createBodyFile). */
export const BODY_FILE_DIR = '/tmp/rocketmq/msgbodys';
/** Java's Long.MAX_VALUE, the "no end" of a time range. */
export const LONG_MAX = 9223372036854775807n;

export type AdminMessage = PrintableMessage;

/** BrokerData.selectBrokerAddr: the master, else any node. */
export function selectBrokerAddr(broker: BrokerData): string | undefined {
  return broker.brokerAddrs['0'] ?? Object.values(broker.brokerAddrs)[0];
}

/** The records of a QUERY_MESSAGE / VIEW_MESSAGE_BY_ID body as a client decodes them. */
export async function decodeMessages(body: Buffer | undefined, brokerName?: string): Promise<AdminMessage[]> {
  const messages: AdminMessage[] = [];
  if (body === undefined) return messages;
  let position = 0;
  while (position < body.length) {
    const decoded = decodeRecord(body, position);
    if (decoded.kind !== 'MESSAGE') break;
    const record = decoded.message;
    position += record.size;
    const properties = Object.fromEntries(decodeProperties(record.properties)) as Record<string, string>;
    const offsetMsgId = createOffsetMessageId(record.storeHost, record.commitLogOffset);
    messages.push({
      topic: record.topic,
      body: await decompressBody(record.body, record.sysFlag).catch(() => record.body),
      flag: record.flag,
      properties,
      msgId: properties[MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? offsetMsgId,
      offsetMsgId,
      brokerName,
      queueId: record.queueId,
      storeSize: record.size,
      queueOffset: record.queueOffset,
      sysFlag: record.sysFlag,
      bornTimestamp: record.bornTimestamp,
      bornHost: formatSocketAddress(record.bornHost),
      storeTimestamp: record.storeTimestamp,
      storeHost: formatSocketAddress(record.storeHost),
      commitLogOffset: record.commitLogOffset,
      bodyCRC: record.bodyCrc,
      reconsumeTimes: record.reconsumeTimes,
      preparedTransactionOffset: record.preparedTransactionOffset,
      tags: properties[MessageConst.TAGS],
      keys: properties[MessageConst.KEYS],
    });
  }
  return messages;
}

/** A message the SDK pulled, as the tools print it. */
export function fromPulled(message: PulledMessage): AdminMessage {
  return {
    topic: message.topic,
    body: message.body,
    flag: message.flag,
    properties: message.properties,
    msgId: message.msgId,
    offsetMsgId: message.offsetMsgId,
    brokerName: message.brokerName,
    queueId: message.queueId,
    storeSize: message.record.size,
    queueOffset: message.queueOffset,
    sysFlag: message.sysFlag,
    bornTimestamp: message.bornTimestamp,
    bornHost: message.bornHost,
    storeTimestamp: message.storeTimestamp,
    storeHost: message.storeHost,
    commitLogOffset: message.commitLogOffset,
    bodyCRC: message.bodyCRC,
    reconsumeTimes: message.reconsumeTimes,
    preparedTransactionOffset: message.preparedTransactionOffset,
    tags: message.tags,
    keys: message.keys,
  };
}

/** True when `id` is an offset message id (store host + CommitLog offset). */
export function isOffsetMessageId(id: string): boolean {
  try {
    decodeOffsetMessageId(id);
    return true;
  } catch {
    return false;
  }
}

/** MQAdminImpl.viewMessage: VIEW_MESSAGE_BY_ID to the broker an offset message id names. */
export async function viewMessage(admin: AdminClient, msgId: string, topic?: string): Promise<AdminMessage> {
  let decoded;
  try {
    decoded = decodeOffsetMessageId(msgId);
  } catch {
    throw new AdminError(`${msgId} is not an offset message id: query message by id finished, but no message.`);
  }
  const extFields = ViewMessageRequestHeader.encode({ offset: decoded.commitLogOffset, topic });
  const response = AdminClient.ok(await admin.broker(decoded.storeAddress, { code: RequestCode.VIEW_MESSAGE_BY_ID, extFields }), `view message ${msgId}`);
  const [message] = await decodeMessages(response.body);
  if (message === undefined) throw new AdminError(`view message ${msgId}: the broker answered no message`);
  return message;
}

export interface QueryMessageArgs {
  readonly topic: string;
  readonly key: string;
  readonly maxNum: number;
  readonly begin: number | bigint;
  readonly end: number | bigint;
  readonly unique: boolean;
  readonly cluster?: string | undefined;
}

function keyMatches(message: AdminMessage, args: QueryMessageArgs): boolean {
  if (args.unique) return message.msgId === args.key;
  return message.topic === args.topic && (message.keys ?? '').split(KEY_SEPARATOR).includes(args.key);
}

async function queryBroker(admin: AdminClient, address: string, args: QueryMessageArgs, brokerName: string): Promise<AdminMessage[]> {
  const extFields = {
    ...QueryMessageRequestHeader.encode({ topic: args.topic, key: args.key, maxNum: args.maxNum, beginTimestamp: 0, endTimestamp: 0 }),
    // Java longs as given (Long.MAX_VALUE is past a safe number).
    beginTimestamp: String(args.begin),
    endTimestamp: String(args.end),
    [UNIQUE_MSG_QUERY_FLAG]: String(args.unique),
  };
  try {
    const response = await admin.broker(address, { code: RequestCode.QUERY_MESSAGE, extFields });
    return response.code === ResponseCode.SUCCESS ? await decodeMessages(response.body, brokerName) : [];
  } catch {
    // As MQAdminImpl: a broker that does not answer is skipped; the others may have the message.
    return [];
  }
}

/**
 * MQAdminImpl.queryMessage: QUERY_MESSAGE to every broker of the topic (of `cluster` when given),
 * keeping the messages whose key (or unique key) really matches. Throws when none matches.
 */
export async function queryMessages(admin: AdminClient, args: QueryMessageArgs): Promise<AdminMessage[]> {
  const route = await admin.topicRoute(args.topic);
  const brokers = route.brokerDatas.filter((broker) => args.cluster === undefined || args.cluster.length === 0 || broker.cluster === args.cluster);
  const results = await Promise.all(
    brokers.map((broker) => {
      const address = selectBrokerAddr(broker);
      return address === undefined ? Promise.resolve([]) : queryBroker(admin, address, args, broker.brokerName);
    }),
  );
  const messages = results.flat().filter((message) => keyMatches(message, args));
  if (messages.length === 0) throw new AdminError(`CODE: ${ResponseCode.NO_MESSAGE}  DESC: query message by key finished, but no message.`);
  return messages;
}

/** DefaultMQAdminExtImpl.queryMessage(cluster, topic, msgId): by offset id, else by unique key. */
export async function queryMessageById(admin: AdminClient, cluster: string | undefined, topic: string, msgId: string): Promise<AdminMessage> {
  if (isOffsetMessageId(msgId)) {
    try {
      return await viewMessage(admin, msgId, topic);
    } catch {
      // As Java: "the msgId maybe created by new client": try it as a unique key.
    }
  }
  const begin = Date.now() - 3 * 24 * 60 * 60 * 1000;
  const [first] = await queryMessages(admin, { topic, key: msgId, maxNum: 32, begin, end: LONG_MAX, unique: true, cluster });
  if (first === undefined) throw new AdminError('query message by key finished, but no message.');
  return first;
}

/** Writes the body to /tmp/rocketmq/msgbodys/<msgId>[_index] and returns the path. */
export async function writeBodyFile(message: AdminMessage, index = 0): Promise<string> {
  await mkdir(BODY_FILE_DIR, { recursive: true });
  const path = join(BODY_FILE_DIR, index > 0 ? `${message.msgId}_${index}` : message.msgId);
  await writeFile(path, message.body);
  return path;
}

async function groupsConsuming(admin: AdminClient, topic: string): Promise<string[]> {
  const route = await admin.topicRoute(topic);
  const broker = route.brokerDatas[0];
  const address = broker === undefined ? undefined : selectBrokerAddr(broker);
  if (address === undefined) throw new AdminError(`topic ${topic} has no broker`);
  const extFields = QueryTopicConsumeByWhoRequestHeader.encode({ topic });
  const response = AdminClient.ok(await admin.broker(address, { code: RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, extFields }), `groups consuming ${topic}`);
  return decodeGroupList(response.body);
}

class BrokerRefusal extends Error {
  constructor(
    readonly code: number,
    readonly remark: string,
  ) {
    super(`CODE:${code} DESC:${remark}`);
  }
}

async function groupBrokers(admin: AdminClient, group: string): Promise<readonly BrokerData[]> {
  return (await admin.topicRoute(retryTopic(group))).brokerDatas;
}

async function consumerConnection(admin: AdminClient, group: string): Promise<ConsumerConnection> {
  const [broker] = await groupBrokers(admin, group);
  const address = broker === undefined ? undefined : selectBrokerAddr(broker);
  if (address === undefined) throw new AdminError(`group ${group} has no broker`);
  const response = await admin.broker(address, { code: RequestCode.GET_CONSUMER_CONNECTION_LIST, extFields: GetConsumerConnectionListRequestHeader.encode({ consumerGroup: group }) });
  if (response.code !== ResponseCode.SUCCESS) throw new BrokerRefusal(response.code, response.remark ?? '');
  return decodeConsumerConnection(response.body);
}

/** DefaultMQAdminExtImpl.consumed: the group's offset on the message's queue is past it. */
async function consumed(admin: AdminClient, message: AdminMessage, group: string): Promise<boolean> {
  const entries: { entry: ConsumeStatsEntry; master: string | undefined }[] = [];
  for (const broker of await groupBrokers(admin, group)) {
    const address = selectBrokerAddr(broker);
    if (address === undefined) continue;
    const response = await admin.broker(address, { code: RequestCode.GET_CONSUME_STATS, extFields: GetConsumeStatsRequestHeader.encode({ consumerGroup: group }) });
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerRefusal(response.code, response.remark ?? '');
    for (const entry of decodeConsumeStats(response.body).offsetTable) entries.push({ entry, master: broker.brokerAddrs['0'] });
  }
  return entries.some(
    ({ entry, master }) =>
      entry.queue.topic === message.topic && entry.queue.queueId === message.queueId && master === message.storeHost && entry.offset.consumerOffset > message.queueOffset,
  );
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function trackOf(admin: AdminClient, message: AdminMessage, group: string): Promise<string> {
  const line = (type: string, desc?: string): string => `MessageTrack [consumerGroup=${group}, trackType=${type}, exceptionDesc=${desc ?? 'null'}]`;
  let connection: ConsumerConnection;
  try {
    connection = await consumerConnection(admin, group);
  } catch (error) {
    const type = error instanceof BrokerRefusal && error.code === ResponseCode.CONSUMER_NOT_ONLINE ? 'NOT_ONLINE' : 'UNKNOWN';
    return line(type, describeError(error));
  }
  if (connection.consumeType === 'CONSUME_ACTIVELY') return line('PULL');
  if (connection.consumeType !== 'CONSUME_PASSIVELY') return line('UNKNOWN');
  try {
    if (!(await consumed(admin, message, group))) return line('NOT_CONSUME_YET');
  } catch (error) {
    if (error instanceof BrokerRefusal && error.code === ResponseCode.CONSUMER_NOT_ONLINE) return line('NOT_ONLINE', error.message);
    if (error instanceof BrokerRefusal && error.code === ResponseCode.BROADCAST_CONSUMPTION) return line('CONSUME_BROADCASTING');
    return line('UNKNOWN', describeError(error));
  }
  const subscription = connection.subscriptionTable.find((data) => data.topic === message.topic);
  const passes = subscription === undefined || subscription.tagsSet.length === 0 || subscription.tagsSet.includes('*') || subscription.tagsSet.includes(message.tags ?? '');
  return line(passes ? 'CONSUMED' : 'CONSUMED_BUT_FILTERED');
}

/** DefaultMQAdminExtImpl.messageTrackDetail: one MessageTrack line per group consuming the topic. */
export async function messageTracks(admin: AdminClient, message: AdminMessage): Promise<string[]> {
  const groups = await groupsConsuming(admin, message.topic);
  const tracks: string[] = [];
  for (const group of groups) tracks.push(await trackOf(admin, message, group));
  return tracks;
}

/** Runs a client SDK call, turning its errors into one-line AdminErrors. */
export async function clientCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof MQClientError) throw new AdminError(`${what}: ${error.message}`);
    throw error;
  }
}

/** A PullConsumer of the tools' group on the admin's name servers. */
export function toolsPullConsumer(admin: AdminClient, group = TOOLS_CONSUMER_GROUP): PullConsumer {
  try {
    return new PullConsumer({ namesrvAddr: admin.namesrvAddrs.join(';'), groupName: group, instanceName: String(Date.now()), logger: admin.logger });
  } catch (error) {
    if (error instanceof MQClientError) throw new AdminError(error.message);
    throw error;
  }
}

/** A Producer of `group` on the admin's name servers. */
export function toolsProducer(admin: AdminClient, group: string): Producer {
  try {
    return new Producer({ namesrvAddr: admin.namesrvAddrs.join(';'), groupName: group, instanceName: `${group}_${Date.now()}`, logger: admin.logger });
  } catch (error) {
    if (error instanceof MQClientError) throw new AdminError(error.message);
    throw error;
  }
}

/** A body decoder for a Java charset name (UTF-8, GBK, ISO-8859-1, ...); AdminError when unknown. */
export function charsetDecoder(name: string): (body: Buffer) => string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(name.trim());
  } catch {
    throw new AdminError(`unsupported charset: ${name}`);
  }
  return (body) => decoder.decode(body);
}

/**
 * QueryMsgByIdSubCommand.printMsg: the field block (OffsetID first), the body file, the body in
 * `charset` when given, then the message track ("WARN: No Consumer" when no group consumes the
 * topic). `trackError` gets what Java would print as a stack trace when the track fails.
 */
export async function messageDetailLines(admin: AdminClient, message: AdminMessage, charset: ((body: Buffer) => string) | undefined, trackError: (line: string) => void): Promise<string[]> {
  const lines = messageBlockLines(message, await writeBodyFile(message), true);
  if (charset !== undefined) lines.push(`${'Message Body:'.padEnd(20)} ${charset(message.body)}`);
  try {
    const tracks = await messageTracks(admin, message);
    lines.push('', '', ...(tracks.length === 0 ? ['WARN: No Consumer'] : tracks));
  } catch (error) {
    trackError(`message track of ${message.msgId} failed: ${describeError(error)}`);
  }
  return lines;
}
