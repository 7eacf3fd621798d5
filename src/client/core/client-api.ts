/**
 * client-api.ts: every request the client sends, built field for field as RocketMQ's Java client
 * builds it (MQClientAPIImpl.java and the code that fills each *RequestHeader), and the reading of
 * each answer. A header field Java leaves null is left out; `bname` is RpcRequestHeader.brokerName,
 * which the Java client sets on the requests that name a queue.
 *
 * Nothing here retries or chooses a broker: callers pass the address. Every failure is an
 * MQClientError carrying the response code (or a client code) and the broker address.
 */
import {
  ConsumerSendMsgBackRequestHeader,
  decodeConsumerIdList,
  decodeLockBatchResponse,
  encodeLockBatchRequest,
  EndTransactionRequestHeader,
  decodeTopicRouteData,
  GetConsumerListByGroupRequestHeader,
  GetEarliestMsgStoretimeRequestHeader,
  GetEarliestMsgStoretimeResponseHeader,
  GetMaxOffsetRequestHeader,
  GetMinOffsetRequestHeader,
  GetRouteInfoRequestHeader,
  OffsetResponseHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  PullSysFlag,
  QueryConsumerOffsetRequestHeader,
  readSendMessageResponse,
  QueryConsumerOffsetResponseHeader,
  RequestCode,
  ResponseCode,
  SearchOffsetRequestHeader,
  SendMessageResponseHeader,
  UnregisterClientRequestHeader,
  UpdateConsumerOffsetRequestHeader,
  type ExtFields,
  type TypedHeader,
  type LockBatchRequestBody,
  type MessageQueue as WireMessageQueue,
  type RemotingCommand,
  type TopicRouteData,
} from '../../protocol/index.js';
import { MQClientError, toClientError } from '../errors.js';
import type { MessageQueue } from '../message.js';
import type { ClientTransport } from './transport.js';
import type { ResponseHandler } from '../../remoting/index.js';

/** Java's default timeout of offset requests (RemoteBrokerOffsetStore) and of send-back, ms. */
export const OFFSET_REQUEST_TIMEOUT_MS = 5_000;

export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

const SEND_STATUS: ReadonlyMap<number, SendStatus> = new Map([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

export interface SendResponse {
  readonly sendStatus: SendStatus;
  readonly offsetMsgId: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly transactionId: string | undefined;
  readonly regionId: string;
  readonly traceOn: boolean;
}

export type PullStatus = 'FOUND' | 'NO_NEW_MSG' | 'NO_MATCHED_MSG' | 'OFFSET_ILLEGAL';

const PULL_STATUS: ReadonlyMap<number, PullStatus> = new Map([
  [ResponseCode.SUCCESS, 'FOUND'],
  [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
  [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
  [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
]);

export interface PullResponse {
  readonly status: PullStatus;
  readonly nextBeginOffset: number;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly suggestWhichBrokerId: number;
  readonly offsetDelta: number | undefined;
  readonly body: Buffer | undefined;
}

export interface BackMessage {
  readonly commitLogOffset: number;
  readonly msgId: string;
  readonly topic: string;
}

function brokerError(response: RemotingCommand, address: string): MQClientError {
  return new MQClientError(response.code, response.remark ?? '', { brokerAddr: address });
}

/** Decodes a response header; a malformed one is a (not retriable) client error. */
function decodeHeader<T>(decode: () => T, address: string): T {
  try {
    return decode();
  } catch (error) {
    throw toClientError(error, address);
  }
}

export class ClientApi {
  constructor(private readonly transport: ClientTransport) {}

  private async call(address: string, code: number, extFields: ExtFields, timeoutMs: number, body?: Buffer): Promise<RemotingCommand> {
    return this.transport.invoke(address, { code, extFields, body }, timeoutMs);
  }

  /** GET_ROUTEINFO_BY_TOPIC (105); undefined when the name server has no route (TOPIC_NOT_EXIST). */
  async getTopicRouteInfo(namesrvAddr: string, topic: string, timeoutMs: number): Promise<TopicRouteData | undefined> {
    const response = await this.call(namesrvAddr, RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader.encode({ topic }), timeoutMs);
    if (response.code === ResponseCode.TOPIC_NOT_EXIST) return undefined;
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, namesrvAddr);
    return decodeHeader(() => decodeTopicRouteData(response.body), namesrvAddr);
  }

  /**
   * SEND_MESSAGE_V2 (310) or SEND_BATCH_MESSAGE (320) with the one-letter header, already typed
   * (sendMessageV2Attempt): `handler` gets the raw response (processSendResponse reads it) or the raw
   * error. `now`: the caller's Date.now(), when it has one.
   */
  sendMessageWith(address: string, code: number, typedHeader: TypedHeader, body: Buffer, timeoutMs: number, handler: ResponseHandler, now?: number): void {
    this.transport.invokeWith(address, { code, typedHeader, body }, timeoutMs, handler, now);
  }

  async sendMessageOneway(address: string, code: number, typedHeader: TypedHeader, body: Buffer): Promise<void> {
    await this.transport.invokeOneway(address, { code, typedHeader, body });
  }

  /** END_TRANSACTION (37), oneway as MQClientAPIImpl.endTransactionOneway; `remark` says why a local transaction failed. */
  async endTransactionOneway(address: string, header: EndTransactionRequestHeader, remark: string | undefined): Promise<void> {
    await this.transport.invokeOneway(address, { code: RequestCode.END_TRANSACTION, extFields: EndTransactionRequestHeader.encode(header), ...(remark === undefined ? {} : { remark }) });
  }

  /**
   * PULL_MESSAGE (11) as PullAPIWrapper.pullKernelImpl fills it; LITE_PULL_MESSAGE (361) when the
   * sysFlag has LITE_PULL, as MQClientAPIImpl.pullMessage chooses for DefaultLitePullConsumer.
   */
  async pullMessage(address: string, header: PullMessageRequestHeader, brokerName: string, timeoutMs: number): Promise<PullResponse> {
    const code = (header.sysFlag & PullSysFlag.LITE_PULL) !== 0 ? RequestCode.LITE_PULL_MESSAGE : RequestCode.PULL_MESSAGE;
    // The header goes to the wire straight from its value (no extFields object of strings and no spread copy of it per pull).
    const response = await this.transport.invoke(address, { code, extFields: { bname: brokerName }, typedHeader: PullMessageRequestHeader.typed(header) }, timeoutMs);
    const status = PULL_STATUS.get(response.code);
    if (status === undefined) throw brokerError(response, address);
    const fields = decodeHeader(() => PullMessageResponseHeader.decode(response.extFields), address);
    return {
      status,
      nextBeginOffset: fields.nextBeginOffset,
      minOffset: fields.minOffset,
      maxOffset: fields.maxOffset,
      suggestWhichBrokerId: fields.suggestWhichBrokerId,
      offsetDelta: fields.offsetDelta,
      body: status === 'FOUND' ? response.body : undefined,
    };
  }

  /** QUERY_CONSUMER_OFFSET (14); -1 when the broker has none (QUERY_NOT_FOUND). */
  async queryConsumerOffset(address: string, group: string, queue: MessageQueue): Promise<number> {
    const extFields = { ...QueryConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic: queue.topic, queueId: queue.queueId }), bname: queue.brokerName };
    const response = await this.call(address, RequestCode.QUERY_CONSUMER_OFFSET, extFields, OFFSET_REQUEST_TIMEOUT_MS);
    if (response.code === ResponseCode.QUERY_NOT_FOUND) return -1;
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
    return decodeHeader(() => QueryConsumerOffsetResponseHeader.decode(response.extFields).offset, address);
  }

  /** UPDATE_CONSUMER_OFFSET (15); oneway as Java's periodic commit, or waiting for the answer. */
  async updateConsumerOffset(address: string, group: string, queue: MessageQueue, offset: number, oneway: boolean): Promise<void> {
    const extFields = {
      ...UpdateConsumerOffsetRequestHeader.encode({ consumerGroup: group, topic: queue.topic, queueId: queue.queueId, commitOffset: offset }),
      bname: queue.brokerName,
    };
    if (oneway) {
      await this.transport.invokeOneway(address, { code: RequestCode.UPDATE_CONSUMER_OFFSET, extFields });
      return;
    }
    const response = await this.call(address, RequestCode.UPDATE_CONSUMER_OFFSET, extFields, OFFSET_REQUEST_TIMEOUT_MS);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
  }

  /** GET_MAX_OFFSET (30): the offset after the last message of the queue. */
  async getMaxOffset(address: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
    const extFields = { ...GetMaxOffsetRequestHeader.encode({ topic: queue.topic, queueId: queue.queueId, committed: true }), bname: queue.brokerName };
    return this.offsetCall(address, RequestCode.GET_MAX_OFFSET, extFields, timeoutMs);
  }

  /** GET_MIN_OFFSET (31). */
  async getMinOffset(address: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
    const extFields = { ...GetMinOffsetRequestHeader.encode({ topic: queue.topic, queueId: queue.queueId }), bname: queue.brokerName };
    return this.offsetCall(address, RequestCode.GET_MIN_OFFSET, extFields, timeoutMs);
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP (29), lower boundary as Java's default. */
  async searchOffset(address: string, queue: MessageQueue, timestamp: number, timeoutMs: number): Promise<number> {
    const header = { topic: queue.topic, queueId: queue.queueId, timestamp, boundaryType: 'LOWER' };
    return this.offsetCall(address, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { ...SearchOffsetRequestHeader.encode(header), bname: queue.brokerName }, timeoutMs);
  }

  /** GET_EARLIEST_MSG_STORETIME (32). */
  async getEarliestMsgStoretime(address: string, queue: MessageQueue, timeoutMs: number): Promise<number> {
    const extFields = { ...GetEarliestMsgStoretimeRequestHeader.encode({ topic: queue.topic, queueId: queue.queueId }), bname: queue.brokerName };
    const response = await this.call(address, RequestCode.GET_EARLIEST_MSG_STORETIME, extFields, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
    return decodeHeader(() => GetEarliestMsgStoretimeResponseHeader.decode(response.extFields).timestamp, address);
  }

  private async offsetCall(address: string, code: number, extFields: ExtFields, timeoutMs: number): Promise<number> {
    const response = await this.call(address, code, extFields, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
    return decodeHeader(() => OffsetResponseHeader.decode(response.extFields).offset, address);
  }

  /** GET_CONSUMER_LIST_BY_GROUP (38). */
  async getConsumerIdListByGroup(address: string, group: string, timeoutMs: number): Promise<string[]> {
    const response = await this.call(address, RequestCode.GET_CONSUMER_LIST_BY_GROUP, GetConsumerListByGroupRequestHeader.encode({ consumerGroup: group }), timeoutMs);
    if (response.code !== ResponseCode.SUCCESS || response.body === undefined) throw brokerError(response, address);
    return decodeHeader(() => decodeConsumerIdList(response.body), address);
  }

  /** HEART_BEAT (34): an empty header and the HeartbeatData body. Returns the broker's version. */
  async sendHeartbeat(address: string, body: Buffer, timeoutMs: number): Promise<number> {
    const response = await this.call(address, RequestCode.HEART_BEAT, {}, timeoutMs, body);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
    return response.version;
  }

  /** UNREGISTER_CLIENT (35): one of producerGroup or consumerGroup. */
  async unregisterClient(address: string, clientID: string, groups: { producerGroup?: string; consumerGroup?: string }, timeoutMs: number): Promise<void> {
    const extFields = UnregisterClientRequestHeader.encode({ clientID, ...groups });
    const response = await this.call(address, RequestCode.UNREGISTER_CLIENT, extFields, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
  }

  /** LOCK_BATCH_MQ (41): an empty header (LockBatchMqRequestHeader) and the body; the queues the broker locked for us. */
  async lockBatchMQ(address: string, body: LockBatchRequestBody, timeoutMs: number): Promise<WireMessageQueue[]> {
    const response = await this.call(address, RequestCode.LOCK_BATCH_MQ, {}, timeoutMs, encodeLockBatchRequest(body));
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
    return decodeHeader(() => decodeLockBatchResponse(response.body), address);
  }

  /** UNLOCK_BATCH_MQ (42): an empty header (UnlockBatchMqRequestHeader) and the body; oneway or waiting for the answer. */
  async unlockBatchMQ(address: string, body: LockBatchRequestBody, timeoutMs: number, oneway: boolean): Promise<void> {
    const request = { code: RequestCode.UNLOCK_BATCH_MQ, extFields: {}, body: encodeLockBatchRequest(body) };
    if (oneway) {
      await this.transport.invokeOneway(address, request);
      return;
    }
    const response = await this.transport.invoke(address, request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
  }

  /** CONSUMER_SEND_MSG_BACK (36): the broker re-stores the message in %RETRY%<group> (or the DLQ). */
  async consumerSendMessageBack(address: string, brokerName: string, message: BackMessage, group: string, delayLevel: number, maxReconsumeTimes: number): Promise<void> {
    const header = {
      offset: message.commitLogOffset,
      group,
      delayLevel,
      originMsgId: message.msgId,
      originTopic: message.topic,
      unitMode: false,
      maxReconsumeTimes,
    };
    const extFields = { ...ConsumerSendMsgBackRequestHeader.encode(header), bname: brokerName };
    const response = await this.call(address, RequestCode.CONSUMER_SEND_MSG_BACK, extFields, OFFSET_REQUEST_TIMEOUT_MS);
    if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, address);
  }
}

/**
 * processSendResponse for a response frame with a binary header, read in place
 * (readSendMessageResponse): the same SendResponse, without decoding the whole header. Undefined
 * when the frame needs the generic path: a code that is not a result (its error carries the
 * remark), or a header the fast reader leaves to the generic decode.
 */
export function readSendResponse(frame: Buffer): SendResponse | undefined {
  const fields = readSendMessageResponse(frame);
  const sendStatus = fields === undefined ? undefined : SEND_STATUS.get(fields.code);
  if (fields === undefined || sendStatus === undefined) return undefined;
  return sendResponse(sendStatus, fields, fields.regionId, fields.traceOn);
}

/** A send's result from its header and the MSG_REGION / TRACE_ON fields, as Java reads them (the one place both paths build it). */
function sendResponse(sendStatus: SendStatus, header: SendMessageResponseHeader, region: string | undefined, trace: string | undefined): SendResponse {
  return {
    sendStatus,
    offsetMsgId: header.msgId,
    queueId: header.queueId,
    queueOffset: header.queueOffset,
    transactionId: header.transactionId,
    regionId: region || 'DefaultRegion',
    traceOn: trace !== 'false',
  };
}

/** MQClientAPIImpl.processSendResponse: SUCCESS and the three "stored, but" codes are results. */
export function processSendResponse(response: RemotingCommand, address: string): SendResponse {
  const sendStatus = SEND_STATUS.get(response.code);
  if (sendStatus === undefined) throw brokerError(response, address);
  const header = decodeHeader(() => SendMessageResponseHeader.decode(response.extFields), address);
  return sendResponse(sendStatus, header, response.extFields['MSG_REGION'], response.extFields['TRACE_ON']);
}
