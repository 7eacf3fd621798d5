/**
 * broker-requests.ts: what a broker may ask of a client (ClientRemotingProcessor.java), one handler
 * per request code (GET_CONSUMER_RUNNING_INFO 307, GET_CONSUMER_STATUS_FROM_CLIENT 221 and
 * CONSUME_MESSAGE_DIRECTLY 309 are in consumer-admin-requests.ts). Codes not listed get
 * REQUEST_CODE_NOT_SUPPORTED from the dispatcher. Brokers send these requests oneway; a request that is not oneway gets
 * SUCCESS once the client has acted on it.
 */
import { decodeRecord, findProperty, MessageConst, type MessageRecord } from '../../message/index.js';
import {
  bool,
  CheckTransactionStateRequestHeader,
  decodeMessageQueueMap,
  header,
  int,
  long,
  NotifyConsumerIdsChangedRequestHeader,
  RequestCode,
  ResponseCode,
  ResponseCodeError,
  str,
  type QueueOffsetEntry,
} from '../../protocol/index.js';
import { defineHandler, ok, type Connection, type Handler } from '../../remoting/index.js';
import type { Logger } from '../../log/index.js';
import type { ConsumerAdminView } from '../consumer/admin-view.js';
import { consumerAdminHandlers } from './consumer-admin-requests.js';

/** What the handlers need of the client instance. */
export interface BrokerRequestContext {
  readonly clientId: string;
  readonly logger: Logger;
  rebalanceImmediately(): void;
  consumer(group: string): { resetOffset(topic: string, offsets: readonly QueueOffsetEntry[]): Promise<void>; adminView?(): Promise<ConsumerAdminView> } | undefined;
  producer(group: string): { checkTransactionState?(check: TransactionCheck): void } | undefined;
}

/** A broker's CHECK_TRANSACTION_STATE: the half message as its producer sent it, and where to answer. */
export interface TransactionCheck {
  readonly header: CheckTransactionStateRequestHeader;
  readonly message: MessageRecord;
  /** The broker's connection, for the END_TRANSACTION answer. */
  readonly connection: Connection;
}

/** RESET_CONSUMER_CLIENT_OFFSET (220), ResetOffsetRequestHeader.java; the offsets are in the body. */
export const ResetOffsetRequestHeader = header({
  group: str(),
  topic: str(),
  queueId: int.optional(),
  offset: long.optional(),
  timestamp: long(),
  isForce: bool(),
});

const notifyConsumerIdsChanged = defineHandler<BrokerRequestContext, typeof NotifyConsumerIdsChangedRequestHeader.fields>({
  code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED,
  header: NotifyConsumerIdsChangedRequestHeader,
  handle(instance, { header: request, connection }) {
    instance.logger.info({ broker: connection.remoteAddress, group: request.consumerGroup }, 'consumer ids changed; rebalance now');
    instance.rebalanceImmediately();
    return ok();
  },
});

const resetConsumerClientOffset = defineHandler<BrokerRequestContext, typeof ResetOffsetRequestHeader.fields>({
  code: RequestCode.RESET_CONSUMER_CLIENT_OFFSET,
  header: ResetOffsetRequestHeader,
  async handle(instance, { header: request, command, connection }) {
    const consumer = instance.consumer(request.group);
    if (consumer === undefined) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, `no consumer of group ${request.group} in ${instance.clientId}`);
    const offsets = command.body === undefined ? [] : decodeMessageQueueMap(command.body, 'offsetTable');
    instance.logger.info({ broker: connection.remoteAddress, group: request.group, topic: request.topic, queues: offsets.length }, 'reset consumer offsets');
    await consumer.resetOffset(request.topic, offsets.filter((entry) => entry.queue.topic === request.topic));
    return ok();
  },
});

/**
 * CHECK_TRANSACTION_STATE (39), oneway: the producer of the half message's group (PGROUP) answers
 * with END_TRANSACTION; a message that does not decode or has no such producer here is only logged.
 */
const checkTransactionState = defineHandler<BrokerRequestContext, typeof CheckTransactionStateRequestHeader.fields>({
  code: RequestCode.CHECK_TRANSACTION_STATE,
  header: CheckTransactionStateRequestHeader,
  handle(instance, { header: request, command, connection }) {
    const decoded = command.body === undefined ? undefined : decodeRecord(command.body, 0);
    if (decoded?.kind !== 'MESSAGE') {
      instance.logger.warn({ broker: connection.remoteAddress }, 'checkTransactionState, decode message failed');
      return ok();
    }
    const group = findProperty(decoded.message.properties, MessageConst.PRODUCER_GROUP);
    const producer = group === undefined ? undefined : instance.producer(group);
    if (producer?.checkTransactionState === undefined) {
      instance.logger.warn({ broker: connection.remoteAddress, group }, 'checkTransactionState, no transaction producer of the group');
      return ok();
    }
    producer.checkTransactionState({ header: request, message: decoded.message, connection });
    return ok();
  },
});

export const brokerRequestHandlers: readonly Handler<BrokerRequestContext>[] = [notifyConsumerIdsChanged, resetConsumerClientOffset, checkTransactionState, ...consumerAdminHandlers];
