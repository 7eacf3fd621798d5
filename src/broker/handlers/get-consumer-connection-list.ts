// RequestCode.GET_CONSUMER_CONNECTION_LIST (203) (AdminBrokerProcessor.getConsumerConnectionList):
// a group's live clients, subscriptions and consume settings; CONSUMER_NOT_ONLINE when it has none.
import { encodeConsumerConnection, GetConsumerConnectionListRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const getConsumerConnectionListHandler = defineHandler<BrokerContext, typeof GetConsumerConnectionListRequestHeader.fields>({
  code: RequestCode.GET_CONSUMER_CONNECTION_LIST,
  header: GetConsumerConnectionListRequestHeader,
  handle(ctx, { header }) {
    const info = ctx.consumers.get(header.consumerGroup);
    if (info === undefined) throw new BrokerError(ResponseCode.CONSUMER_NOT_ONLINE, `the consumer group[${header.consumerGroup}] not online`);
    const body = encodeConsumerConnection({
      connectionSet: [...info.channels.values()].map((channel) => ({
        clientId: channel.clientId,
        clientAddr: channel.connection.remoteAddress,
        language: channel.language,
        version: channel.version,
      })),
      subscriptionTable: [...info.subscriptions.values()],
      consumeType: info.consumeType,
      messageModel: info.messageModel,
      consumeFromWhere: info.consumeFromWhere,
    });
    return ok(undefined, body);
  },
});
