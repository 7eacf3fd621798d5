// RequestCode.GET_PRODUCER_CONNECTION_LIST (204) (AdminBrokerProcessor.getProducerConnectionList):
// a producer group's live clients; SYSTEM_ERROR when the group is not known here.
import { encodeProducerConnection, GetProducerConnectionListRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const getProducerConnectionListHandler = defineHandler<BrokerContext, typeof GetProducerConnectionListRequestHeader.fields>({
  code: RequestCode.GET_PRODUCER_CONNECTION_LIST,
  header: GetProducerConnectionListRequestHeader,
  handle(ctx, { header }) {
    const channels = ctx.producers.channels(header.producerGroup);
    if (channels.length === 0) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the producer group[${header.producerGroup}] not exist`);
    const connectionSet = channels.map((channel) => ({
      clientId: channel.clientId,
      clientAddr: channel.connection.remoteAddress,
      language: channel.language,
      version: channel.version,
    }));
    return ok(undefined, encodeProducerConnection({ connectionSet }));
  },
});
