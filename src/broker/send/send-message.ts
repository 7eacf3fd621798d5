/**
 * send-message.ts: storing what producers send (SendMessageProcessor.java) for SEND_MESSAGE,
 * SEND_MESSAGE_V2 and SEND_BATCH_MESSAGE: check, complete the properties, store, answer with
 * the offset message id of the stored record (equal to the id a consumer computes from it).
 */
import {
  decodeBatch,
  encodeSocketAddress,
  findProperty,
  isRetryTopic,
  MessageConst,
  MessageSysFlag,
  RETRY_GROUP_TOPIC_PREFIX,
  splitHostPort,
  tagsCode,
  withTransactionType,
  BatchError,
} from '../../message/index.js';
import {
  BodyError,
  ResponseCode,
  SendMessageResponseHeader,
  type SendMessageRequestHeader,
  type TopicConfig,
} from '../../protocol/index.js';
import type { Connection, HandlerResult } from '../../remoting/index.js';
import type { PutMessageRequest, PutMessageResult } from '../../store/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { consumesOrderly, deadLetterQueue, maxReconsumeTimesOf, retryGroup } from '../retry/retry-policy.js';
import { delayLevelOf, routeDelayed } from '../schedule/schedule-route.js';
import { checkSend, randomQueueId } from './message-check.js';
import { prepareProperties, withProperty, type PreparedProperties } from './message-properties.js';
import { putResultToResponse } from './put-result.js';
import { recallHandleOf, routeTimer } from '../timer/timer-route.js';
import { TIMER_REQUEST_PROPERTIES } from '../timer/timer-const.js';

/**
 * The longest prefix the timer request properties share ("TIMER_DE"): a properties string that
 * does not contain it holds none of them, so a plain send skips the timer routing (which looks
 * each of them up with its own scan of the properties). A value that happens to contain it only
 * costs the full check.
 */
const TIMER_REQUEST_PREFIX = TIMER_REQUEST_PROPERTIES.reduce<string>((prefix, name) => {
  let length = 0;
  while (length < prefix.length && prefix[length] === name[length]) length++;
  return prefix.slice(0, length);
}, TIMER_REQUEST_PROPERTIES[0]);

/** Timer routing for a send that may ask for it; the rest (nearly all sends) pass as they are. */
function routeTimerIfAsked<T extends PutMessageRequest>(ctx: BrokerContext, request: T): T {
  return request.properties.includes(TIMER_REQUEST_PREFIX) ? routeTimer(ctx.config, request, ctx.clock.now()) : request;
}

/** Delay-level routing for a send whose properties name DELAY; the rest pass as they are. */
function routeDelayedIfAsked<T extends PutMessageRequest>(ctx: BrokerContext, request: T): T {
  return request.properties.includes(MessageConst.DELAY_TIME_LEVEL) ? routeDelayed(ctx.delayLevels, request, ctx.clock.now()) : request;
}

const bornHosts = new WeakMap<Connection, { bytes: Buffer; v6: boolean }>();

/** The connection's peer address as stored in BORNHOST, computed once per connection. */
function bornHostOf(connection: Connection): { bytes: Buffer; v6: boolean } {
  let host = bornHosts.get(connection);
  if (host === undefined) {
    const { host: ip, port } = splitHostPort(connection.remoteAddress);
    const bytes = encodeSocketAddress(ip, port);
    host = { bytes, v6: bytes.length > 8 };
    bornHosts.set(connection, host);
  }
  return host;
}

interface Destination {
  readonly topic: string;
  readonly queueId: number;
  readonly topicConfig: TopicConfig;
  readonly properties: string;
}

/**
 * Retry topics go to the group's DLQ once reconsumeTimes passes the limit, or at once when the
 * group consumes orderly (handleRetryAndDLQ; the rules are shared with CONSUMER_SEND_MSG_BACK).
 */
function routeRetry(ctx: BrokerContext, header: SendMessageRequestHeader, version: number, destination: Destination): Destination {
  if (!isRetryTopic(header.topic)) return destination;
  const group = header.topic.slice(RETRY_GROUP_TOPIC_PREFIX.length);
  const maxReconsumeTimes = maxReconsumeTimesOf(retryGroup(ctx, group), version, header.maxReconsumeTimes);
  if ((header.reconsumeTimes ?? 0) <= maxReconsumeTimes && !consumesOrderly(ctx, group)) return destination;
  return { ...deadLetterQueue(ctx, group), properties: withProperty(destination.properties, MessageConst.DELAY_TIME_LEVEL, '-1') };
}

function sysFlagFor(header: SendMessageRequestHeader, topicConfig: TopicConfig, bornV6: boolean): number {
  let sysFlag = header.sysFlag & ~(MessageSysFlag.BORNHOST_V6_FLAG | MessageSysFlag.STOREHOSTADDRESS_V6_FLAG);
  if (topicConfig.topicFilterType === 'MULTI_TAG') sysFlag |= MessageSysFlag.MULTI_TAGS_FLAG;
  if (bornV6) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  return sysFlag;
}

/**
 * True when the send is a transactional half message (TRAN_MSG=true), as Java decides it: not a
 * retry of one by a client older than 4.6.1 (reconsumeTimes > 0 with a delay level). Throws
 * NO_PERMISSION when rejectTransactionMessage is on, MESSAGE_ILLEGAL inside a batch (a batch is
 * stored whole, in one queue, so one of its messages cannot wait for a decision).
 */
function isHalfMessage(ctx: BrokerContext, prepared: PreparedProperties, reconsumeTimes: number, inBatch: boolean): boolean {
  if (!prepared.transactionPrepared || (reconsumeTimes > 0 && delayLevelOf(prepared.properties) > 0)) return false;
  if (ctx.config.rejectTransactionMessage) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] sending transaction message is forbidden`);
  }
  if (inBatch) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, 'a batch cannot hold transactional messages');
  return true;
}

/**
 * A batch is stored as consecutive records of one queue, so its messages cannot wait in the
 * schedule or the timer: Java refuses a batch with a delay level (CommitLog.asyncPutMessages), and a
 * delay or due time on one of its messages is refused too rather than ignored.
 */
function refuseDelayedBatch(batchProperties: string, entries: readonly { properties: string }[]): void {
  for (const properties of [batchProperties, ...entries.map((entry) => entry.properties)]) {
    if (delayLevelOf(properties) > 0) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, 'a batch cannot hold delayed messages');
    if (TIMER_REQUEST_PROPERTIES.some((name) => findProperty(properties, name) !== undefined)) {
      throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, 'a batch cannot hold timer messages');
    }
  }
}

/** One message as it will be stored: properties completed, unsupported kinds refused. */
function storable(
  ctx: BrokerContext,
  header: SendMessageRequestHeader,
  born: { bytes: Buffer },
  message: { topic: string; queueId: number; flag: number; body: Buffer; properties: string; sysFlag: number },
  inBatch = false,
): { request: PutMessageRequest; uniqKey: string; half: boolean } {
  const prepared = prepareProperties(message.properties, ctx.config.brokerClusterName, ctx.uniqueIds, ctx.clock);
  const half = isHalfMessage(ctx, prepared, header.reconsumeTimes ?? 0, inBatch);
  const request: PutMessageRequest = {
    topic: message.topic,
    queueId: message.queueId,
    flag: message.flag,
    body: message.body,
    sysFlag: message.sysFlag,
    properties: prepared.properties,
    bornTimestamp: header.bornTimestamp,
    bornHost: born.bytes,
    reconsumeTimes: header.reconsumeTimes ?? 0,
    preparedTransactionOffset: 0,
    tagsCode: tagsCode(prepared.tags),
  };
  return { request, uniqKey: prepared.uniqKey, half };
}

/** SEND_MESSAGE (10) and SEND_MESSAGE_V2 (310). */
export async function sendMessage(
  ctx: BrokerContext,
  header: SendMessageRequestHeader,
  body: Buffer | undefined,
  connection: Connection,
  version: number,
): Promise<HandlerResult> {
  const topicConfig = checkSend(ctx, header, connection.remoteAddress);
  const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;
  const destination = routeRetry(ctx, header, version, { topic: header.topic, queueId, topicConfig, properties: header.properties ?? '' });
  const born = bornHostOf(connection);
  const { request, uniqKey, half } = storable(ctx, header, born, {
    topic: destination.topic,
    queueId: destination.queueId,
    flag: header.flag,
    body: body ?? Buffer.alloc(0),
    properties: destination.properties,
    sysFlag: withTransactionType(sysFlagFor(header, destination.topicConfig, born.v6), MessageSysFlag.TRANSACTION_NOT_TYPE),
  });
  // A half message waits in RMQ_SYS_TRANS_HALF_TOPIC for END_TRANSACTION (transaction/).
  const put = half ? ctx.transactions.prepare(request, uniqKey) : routeDelayedIfAsked(ctx, routeTimerIfAsked(ctx, request));
  const putStartedMs = performance.now();
  const result = await ctx.store.putMessage(put);
  ctx.stats.onPut(destination.topic, result, performance.now() - putStartedMs);
  return answer(ctx, result, (first) => ({
    msgId: first.msgId,
    queueId: destination.queueId,
    queueOffset: first.queueOffset,
    transactionId: uniqKey,
    recallHandle: recallHandleOf(put, ctx.config.brokerName),
  }));
}

/** SEND_BATCH_MESSAGE (320): the body holds the messages in the client batch layout. */
export async function sendBatchMessage(
  ctx: BrokerContext,
  header: SendMessageRequestHeader,
  body: Buffer | undefined,
  connection: Connection,
): Promise<HandlerResult> {
  const topicConfig = checkSend(ctx, header, connection.remoteAddress);
  if (isRetryTopic(header.topic)) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${header.topic}`);
  let entries;
  try {
    entries = decodeBatch(body ?? Buffer.alloc(0));
  } catch (error) {
    if (error instanceof BatchError) throw new BodyError(error.message);
    throw error;
  }
  if (entries.length === 0) throw new BrokerError(ResponseCode.MESSAGE_ILLEGAL, 'the batch holds no message');
  refuseDelayedBatch(header.properties ?? '', entries);
  const queueId = header.queueId < 0 ? randomQueueId(topicConfig.writeQueueNums) : header.queueId;
  const born = bornHostOf(connection);
  const sysFlag = withTransactionType(sysFlagFor(header, topicConfig, born.v6), MessageSysFlag.TRANSACTION_NOT_TYPE);
  const requests = entries.map(
    (entry) => storable(ctx, header, born, { topic: header.topic, queueId, flag: entry.flag, body: entry.body, properties: entry.properties, sysFlag }, true).request,
  );
  const putStartedMs = performance.now();
  const result = await ctx.store.putMessages(requests);
  ctx.stats.onPut(header.topic, result, performance.now() - putStartedMs);
  const batchUniqId = findProperty(header.properties ?? '', MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  return answer(ctx, result, (first, all) => ({ msgId: all.map((message) => message.msgId).join(','), queueId, queueOffset: first.queueOffset, batchUniqId }));
}

type Appended = Extract<PutMessageResult, { messages: unknown }>['messages'][number];

/** The send response: the put's code and remark, the response header, region and trace switch. */
function answer(
  ctx: BrokerContext,
  result: PutMessageResult,
  header: (first: Appended, all: readonly Appended[]) => SendMessageResponseHeader,
): HandlerResult {
  const mapped = putResultToResponse(result, ctx.storeConfig.maxMessageSize);
  if (!('messages' in result)) return mapped;
  const first = result.messages[0];
  if (first === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'the store stored nothing');
  // The header goes to the wire typed (no string per number); region and trace switch after it.
  const typedHeader = SendMessageResponseHeader.typed(header(first, result.messages));
  const extFields = { [MessageConst.MSG_REGION]: ctx.config.regionId, [MessageConst.TRACE_SWITCH]: ctx.config.traceOn ? 'true' : 'false' };
  const code = mapped.code ?? ResponseCode.SUCCESS;
  return mapped.remark === undefined ? { code, typedHeader, extFields } : { code, remark: mapped.remark, typedHeader, extFields };
}
