/**
 * message-direct.ts: pushing one stored message to one consumer client
 * (DefaultMQAdminExtImpl.consumeMessageDirectly): the message is found by id, then
 * CONSUME_MESSAGE_DIRECTLY (309) goes to the broker that stored it with the message's offset id;
 * the broker relays the message to the client, whose listener consumes it, and the client's
 * ConsumeMessageDirectlyResult comes back. Used by queryMsgById and queryMsgByUniqueKey -g -d.
 */
import {
  ConsumeMessageDirectlyResultRequestHeader,
  ConsumerRunningInfoProperty,
  decodeConsumeMessageDirectlyResult,
  RequestCode,
  ResponseCode,
  type ConsumeMessageDirectlyResult,
} from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../command.js';
import { consumerRunningInfo, decodeOrFail } from './consumer.js';
import { queryMessageById } from './message.js';

/** ConsumerRunningInfo.isPushType, asked of the client itself (GET_CONSUMER_RUNNING_INFO). */
export async function isPushConsumer(admin: AdminClient, group: string, clientId: string): Promise<boolean> {
  const info = await consumerRunningInfo(admin, group, clientId, false);
  return info.properties[ConsumerRunningInfoProperty.CONSUME_TYPE] === 'CONSUME_PASSIVELY';
}

export interface DirectPush {
  readonly group: string;
  readonly clientId: string;
  readonly topic: string;
  readonly msgId: string;
  readonly cluster?: string | undefined;
}

/** The message named by msgId (offset id or unique key) consumed by the client; its result. */
export async function consumeMessageDirectly(admin: AdminClient, push: DirectPush): Promise<ConsumeMessageDirectlyResult> {
  const message = await queryMessageById(admin, push.cluster, push.topic, push.msgId);
  const extFields = ConsumeMessageDirectlyResultRequestHeader.encode({
    topic: push.topic,
    consumerGroup: push.group,
    clientId: push.clientId,
    msgId: message.offsetMsgId,
  });
  const response = await admin.broker(message.storeHost, { code: RequestCode.CONSUME_MESSAGE_DIRECTLY, extFields });
  if (response.code !== ResponseCode.SUCCESS || response.body === undefined) {
    AdminClient.ok(response, `consume message ${push.msgId} directly`);
    throw new AdminError(`consume message ${push.msgId} directly: the broker answered no result`);
  }
  const body = response.body;
  return decodeOrFail('consume message directly result', () => decodeConsumeMessageDirectlyResult(body));
}
