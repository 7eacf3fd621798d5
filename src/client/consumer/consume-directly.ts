/**
 * consume-directly.ts: a push consumer's answer to CONSUME_MESSAGE_DIRECTLY (309)
 * (ConsumeMessageConcurrentlyService/OrderlyService.consumeMessageDirectly): the stored record the
 * broker relays is decoded as a pull would decode it, handed to the listener alone (a retry under
 * its original topic, the namespace removed), and the listener's status reported as a CMResult
 * with the time it took. A thrown error becomes CR_THROW_EXCEPTION with its description.
 *
 * Must not: commit offsets, send the message back, or touch any ProcessQueue: this is an
 * operator's test of the listener, outside the consumer's own flow.
 */
import { createOffsetMessageId, decodeProperties, decodeRecord, MessageConst } from '../../message/index.js';
import { CMResult, type ConsumeMessageDirectlyResult } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { decompressBody } from '../compression.js';
import { MessageQueue } from '../message.js';
import { ConsumeResult, type ConsumeConcurrentlyContext, type MessageListenerConcurrently } from './consume-concurrently.js';
import type { ConsumeOrderlyContext, MessageListenerOrderly } from './consume-orderly.js';
import { ReceivedMessage } from './received-message.js';

export type DirectListener = { readonly orderly: false; readonly listener: MessageListenerConcurrently } | { readonly orderly: true; readonly listener: MessageListenerOrderly };

export interface DirectConsumeHost {
  readonly retryTopic: string;
  readonly logger: Logger;
  /** The topic the user knows (namespace removed). */
  userTopic(topic: string): string;
}

export class DirectConsumeError extends Error {
  override name = 'DirectConsumeError';
}

/** MessageDecoder.clientDecode of the relayed record, as the listener sees it. */
async function decodeRelayed(record: Buffer | undefined, brokerName: string, host: DirectConsumeHost): Promise<ReceivedMessage> {
  if (record === undefined || record.length === 0) throw new DirectConsumeError('consume message directly: the request carries no message');
  const decoded = decodeRecord(record, 0);
  if (decoded.kind !== 'MESSAGE') throw new DirectConsumeError('consume message directly: the body is not a stored message');
  const { body: stored, topic, properties: text, ...fields } = decoded.message;
  const properties = Object.fromEntries(decodeProperties(text)) as Record<string, string>;
  const body = await decompressBody(stored, fields.sysFlag).catch(() => stored);
  const offsetMsgId = createOffsetMessageId(fields.storeHost, fields.commitLogOffset);
  const message = new ReceivedMessage(topic, body, properties, fields, brokerName, offsetMsgId, fields.reconsumeTimes);
  // resetRetryAndNamespace, as the consume services do.
  const original = message.properties[MessageConst.RETRY_TOPIC];
  if (original !== undefined && message.topic === host.retryTopic) message.topic = original;
  message.topic = host.userTopic(message.topic);
  return message;
}

function cmResultOf(orderly: boolean, status: unknown): CMResult | undefined {
  if (status === undefined || status === null) return CMResult.CR_RETURN_NULL;
  if (status === ConsumeResult.SUCCESS) return CMResult.CR_SUCCESS;
  if (!orderly && status === ConsumeResult.RECONSUME_LATER) return CMResult.CR_LATER;
  if (orderly && status === ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT) return CMResult.CR_LATER;
  // Java's switch default: a status with no CMResult leaves consumeResult null.
  return undefined;
}

/** Consumes `record` (a stored message) with the listener alone; the result the client answers. */
export async function consumeMessageDirectly(
  record: Buffer | undefined,
  brokerName: string,
  host: DirectConsumeHost,
  target: DirectListener,
): Promise<ConsumeMessageDirectlyResult> {
  const message = await decodeRelayed(record, brokerName, host);
  const queue = new MessageQueue(message.topic, brokerName, message.queueId);
  const begin = Date.now();
  message.consumeStartTime = begin;
  host.logger.info({ msgId: message.msgId, topic: message.topic }, 'consumeMessageDirectly receive new message');
  let consumeResult: CMResult | undefined;
  let remark: string | undefined;
  try {
    if (target.orderly) {
      const context: ConsumeOrderlyContext = { messageQueue: queue, suspendCurrentQueueTimeMillis: -1 };
      consumeResult = cmResultOf(true, await target.listener([message], context));
    } else {
      const context: ConsumeConcurrentlyContext = { messageQueue: queue, delayLevelWhenNextConsume: 0, ackIndex: Number.MAX_SAFE_INTEGER };
      consumeResult = cmResultOf(false, await target.listener([message], context));
    }
  } catch (error) {
    consumeResult = CMResult.CR_THROW_EXCEPTION;
    remark = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    host.logger.warn({ err: error, msgId: message.msgId }, 'consumeMessageDirectly exception');
  }
  // Orderly: ConsumeOrderlyContext.autoCommit, which this client does not let a listener change.
  const result: ConsumeMessageDirectlyResult = { order: target.orderly, autoCommit: true, consumeResult, remark, spentTimeMills: Date.now() - begin };
  host.logger.info({ result }, 'consumeMessageDirectly Result');
  return result;
}

/** What a consumer offers CONSUME_MESSAGE_DIRECTLY: push consumers have it, others not. */
export interface DirectConsumer {
  consumeMessageDirectly?(record: Buffer | undefined, brokerName: string): Promise<ConsumeMessageDirectlyResult>;
}
