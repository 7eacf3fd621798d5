/**
 * retry-requests.ts: the retry, schedule and lock requests black-box tests build by hand:
 * CONSUMER_SEND_MSG_BACK (36), LOCK_BATCH_MQ (41), UNLOCK_BATCH_MQ (42), GET_ALL_DELAY_OFFSET (45)
 * and our RESEND_DEAD_LETTER_MESSAGE (800000). Nothing here asserts: tests decide what a response
 * should be.
 */
import {
  ConsumerSendMsgBackRequestHeader,
  decodeDelayOffsetTable,
  decodeLockBatchResponse,
  encodeLockBatchRequest,
  RequestCode,
  ResendDeadLetterMessageRequestHeader,
  ResponseCode,
  type MessageQueue,
  type RemotingCommand,
} from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { REQUEST_TIMEOUT_MS } from './broker-requests.js';

/** CONSUMER_SEND_MSG_BACK as ali-ons sends it; any response code. */
export function sendMsgBack(client: RemotingClient, brokerAddr: string, header: ConsumerSendMsgBackRequestHeader): Promise<RemotingCommand> {
  const extFields = ConsumerSendMsgBackRequestHeader.encode({ unitMode: false, ...header });
  return client.invoke(brokerAddr, { code: RequestCode.CONSUMER_SEND_MSG_BACK, extFields }, REQUEST_TIMEOUT_MS);
}

/** RESEND_DEAD_LETTER_MESSAGE by offset msgId or CommitLog offset; any response code. */
export function resendDeadLetter(client: RemotingClient, brokerAddr: string, target: { msgId?: string; offset?: number }): Promise<RemotingCommand> {
  const extFields = ResendDeadLetterMessageRequestHeader.encode(target);
  return client.invoke(brokerAddr, { code: RequestCode.RESEND_DEAD_LETTER_MESSAGE, extFields }, REQUEST_TIMEOUT_MS);
}

/** LOCK_BATCH_MQ; the queues the broker says the client holds. Throws on another code. */
export async function lockBatch(client: RemotingClient, brokerAddr: string, group: string, clientId: string, mqSet: readonly MessageQueue[]): Promise<MessageQueue[]> {
  const body = encodeLockBatchRequest({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet });
  const response = await client.invoke(brokerAddr, { code: RequestCode.LOCK_BATCH_MQ, extFields: {}, body }, REQUEST_TIMEOUT_MS);
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`lock batch: ${response.code} ${response.remark ?? ''}`);
  return decodeLockBatchResponse(response.body);
}

/** UNLOCK_BATCH_MQ; any response code. */
export function unlockBatch(client: RemotingClient, brokerAddr: string, group: string, clientId: string, mqSet: readonly MessageQueue[]): Promise<RemotingCommand> {
  const body = encodeLockBatchRequest({ consumerGroup: group, clientId, onlyThisBroker: false, mqSet });
  return client.invoke(brokerAddr, { code: RequestCode.UNLOCK_BATCH_MQ, extFields: {}, body }, REQUEST_TIMEOUT_MS);
}

/** GET_ALL_DELAY_OFFSET: level → next schedule queue offset. Throws on another code. */
export async function delayOffsets(client: RemotingClient, brokerAddr: string): Promise<Map<number, number>> {
  const response = await client.invoke(brokerAddr, { code: RequestCode.GET_ALL_DELAY_OFFSET, extFields: {} }, REQUEST_TIMEOUT_MS);
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`delay offsets: ${response.code} ${response.remark ?? ''}`);
  return new Map(decodeDelayOffsetTable(response.body?.toString('utf8') ?? '').offsetTable);
}
