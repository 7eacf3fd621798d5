/**
 * send-request.ts: a message turned into what SEND_MESSAGE_V2 (310) or SEND_BATCH_MESSAGE (320)
 * carries, once per send call (retries reuse it): checked as Validators.checkMessage does, given a
 * UNIQ_KEY (MessageClientIDSetter) if it has none, compressed when large (not batches, as Java),
 * and its properties encoded. The queue, broker and born time are filled per attempt.
 */
import { networkInterfaces } from 'node:os';
import { randomInt } from 'node:crypto';
import {
  encodeBatch,
  encodeProperties,
  ipBytes,
  isRetryTopic,
  MessageConst,
  MessageSysFlag,
  topicNameProblem,
  TopicNames,
  UniqueIdGenerator,
} from '../../message/index.js';
import { RequestCode, ResponseCode, type SendMessageV2Base } from '../../protocol/index.js';
import { compressBody, COMPRESSION_ZLIB_TYPE } from '../compression.js';
import { illegalArgument, MQClientError } from '../errors.js';
import type { Message } from '../message.js';
import { wrapNamespace } from '../namespace.js';

/** TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET. */
const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  TopicNames.SCHEDULE_TOPIC,
  TopicNames.TRANS_HALF_TOPIC,
  TopicNames.TRANS_OP_HALF_TOPIC,
  TopicNames.TRANS_CHECK_MAX_TIME_TOPIC,
  TopicNames.SELF_TEST_TOPIC,
  TopicNames.OFFSET_MOVED_EVENT,
]);

function localAddressBytes(): Buffer {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return ipBytes(address.address) ?? Buffer.from([127, 0, 0, 1]);
  }
  return Buffer.from([127, 0, 0, 1]);
}

let uniqueIds: UniqueIdGenerator | undefined;

/** A UNIQ_KEY: one generator per process, as Java's static MessageClientIDSetter. */
export function createUniqId(now = Date.now()): string {
  // A random int stands in for Java's class-loader hash code.
  uniqueIds ??= new UniqueIdGenerator(localAddressBytes(), process.pid, randomInt(0x7fffffff), now);
  return uniqueIds.next(now);
}

export interface SendSettings {
  readonly producerGroup: string;
  readonly namespace: string;
  readonly createTopicKey: string;
  readonly defaultTopicQueueNums: number;
  readonly compressMsgBodyOverHowmuch: number;
  readonly compressLevel: number;
  readonly maxMessageSize: number;
}

/** A send ready for its attempts. `header` lacks the per-attempt queueId, bornTimestamp and brokerName. */
export interface PreparedSend {
  readonly code: number;
  /** The topic on the wire (with the namespace). */
  readonly topic: string;
  readonly body: Buffer;
  readonly header: SendMessageV2Base;
  /** UNIQ_KEY, or the UNIQ_KEYs of a batch joined by commas: SendResult.msgId. */
  readonly msgId: string;
}

const checkedTopics = new Set<string>();

/** Validators.checkTopic + isNotAllowedSendTopic; valid names are remembered (bounded). */
export function checkTopic(topic: string): void {
  if (checkedTopics.has(topic)) return;
  const problem = typeof topic === 'string' ? topicNameProblem(topic) : 'the topic is not a string';
  if (problem !== undefined) throw illegalArgument(problem);
  if (NOT_ALLOWED_SEND_TOPICS.has(topic)) throw illegalArgument(`Sending message to topic[${topic}] is forbidden.`);
  if (checkedTopics.size < 10_000) checkedTopics.add(topic);
}

/** Validators.checkMessage: the topic, and a body neither empty nor larger than maxMessageSize. */
export function checkMessage(message: Message, settings: SendSettings): void {
  checkTopic(message.topic);
  checkBody(message.body, settings);
}

/** The message's UNIQ_KEY, set first if it has none (MessageClientIDSetter.setUniqID). */
export function uniqIdOf(message: Message, now = Date.now()): string {
  let msgId = message.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (msgId === undefined) {
    msgId = createUniqId(now);
    message.properties.set(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, msgId);
  }
  return msgId;
}

function checkBody(body: Buffer, settings: SendSettings): void {
  if (body.length === 0) throw new MQClientError(ResponseCode.MESSAGE_ILLEGAL, 'the message body length is zero', { retriable: false });
  if (body.length > settings.maxMessageSize) {
    throw new MQClientError(ResponseCode.MESSAGE_ILLEGAL, `the message body size over max value, MAX: ${settings.maxMessageSize}`, { retriable: false });
  }
}

function baseHeader(settings: SendSettings, topic: string, sysFlag: number, flag: number, properties: string): PreparedSend['header'] {
  return {
    producerGroup: settings.producerGroup,
    topic,
    defaultTopic: settings.createTopicKey,
    defaultTopicQueueNums: settings.defaultTopicQueueNums,
    sysFlag,
    flag,
    properties,
    reconsumeTimes: 0,
    unitMode: false,
    batch: false,
  };
}

/**
 * One message, as sendKernelImpl fills SendMessageRequestHeader. Sets UNIQ_KEY on `message`.
 * Synchronous unless a large body is compressed on the thread pool.
 */
export function prepareSend(message: Message, settings: SendSettings, now = Date.now()): PreparedSend | Promise<PreparedSend> {
  checkMessage(message, settings);
  const id = uniqIdOf(message, now);
  if (message.body.length < settings.compressMsgBodyOverHowmuch) return finishSend(message, settings, message.body, 0, id);
  const compressed = compressBody(message.body, settings.compressLevel);
  const sysFlag = MessageSysFlag.COMPRESSED_FLAG | COMPRESSION_ZLIB_TYPE;
  return Buffer.isBuffer(compressed) ? finishSend(message, settings, compressed, sysFlag, id) : compressed.then((body) => finishSend(message, settings, body, sysFlag, id));
}

function finishSend(message: Message, settings: SendSettings, body: Buffer, compressionFlags: number, msgId: string): PreparedSend {
  let sysFlag = compressionFlags;
  if (message.properties.get(MessageConst.TRANSACTION_PREPARED) === 'true') sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  const topic = wrapNamespace(settings.namespace, message.topic);
  if (isRetryTopic(topic)) return retryTopicSend(baseHeader(settings, topic, sysFlag, message.flag, ''), new Map(message.properties), body, msgId);
  const header = baseHeader(settings, topic, sysFlag, message.flag, encodeProperties(message.properties));
  return { code: RequestCode.SEND_MESSAGE_V2, topic, body, msgId, header };
}

/** A send to %RETRY%: RECONSUME_TIME and MAX_RECONSUME_TIMES move from properties to the header. */
function retryTopicSend(header: PreparedSend['header'], properties: Map<string, string>, body: Buffer, msgId: string): PreparedSend {
  const reconsumeTimes = properties.get(MessageConst.RECONSUME_TIME);
  const maxReconsumeTimes = properties.get(MessageConst.MAX_RECONSUME_TIMES);
  properties.delete(MessageConst.RECONSUME_TIME);
  properties.delete(MessageConst.MAX_RECONSUME_TIMES);
  return {
    code: RequestCode.SEND_MESSAGE_V2,
    topic: header.topic,
    body,
    msgId,
    header: {
      ...header,
      properties: encodeProperties(properties),
      reconsumeTimes: reconsumeTimes === undefined ? 0 : Number(reconsumeTimes),
      ...(maxReconsumeTimes === undefined ? {} : { maxReconsumeTimes: Number(maxReconsumeTimes) }),
    },
  };
}

/** A batch as DefaultMQProducer.batch builds MessageBatch: one topic, no delay, no retry topic. */
export function prepareBatch(messages: readonly Message[], settings: SendSettings): PreparedSend {
  const first = messages[0];
  if (first === undefined) throw illegalArgument('a batch needs at least one message');
  const wait = first.properties.get(MessageConst.WAIT_STORE_MSG_OK) ?? 'true';
  for (const message of messages) {
    checkMessage(message, settings);
    if (message.topic !== first.topic) throw illegalArgument('The topic of the messages in one batch should be the same');
    if (isRetryTopic(message.topic)) throw illegalArgument('Retry Group is not supported for batching');
    if (message.properties.has(MessageConst.DELAY_TIME_LEVEL)) throw illegalArgument('TimeDelayLevel is not supported for batching');
    if ((message.properties.get(MessageConst.WAIT_STORE_MSG_OK) ?? 'true') !== wait) throw illegalArgument('The waitStoreMsgOK of the messages in one batch should the same');
    uniqIdOf(message);
  }
  const body = encodeBatch(messages.map((message) => ({ flag: message.flag, body: message.body, properties: encodeProperties(message.properties) })));
  checkBody(body, settings);
  const batchProperties = new Map([
    [MessageConst.WAIT_STORE_MSG_OK, wait],
    [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, createUniqId()],
  ]);
  const topic = wrapNamespace(settings.namespace, first.topic);
  const msgId = messages.map((message) => message.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '').join(',');
  return {
    code: RequestCode.SEND_BATCH_MESSAGE,
    topic,
    body,
    msgId,
    header: { ...baseHeader(settings, topic, 0, 0, encodeProperties(batchProperties)), batch: true },
  };
}
