// RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) (Broker2Client.getConsumeStatus): asks
// each live client of the group (or the one named by clientAddr) for the offsets it holds of the
// topic; answers GetConsumerStatusBody.consumerTable by client id.
import { encodeGetConsumerStatusBody, GetConsumerStatusRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { consumerStatus } from '../client/broker-to-client.js';

export const invokeBrokerToGetConsumerStatusHandler = defineHandler<BrokerContext, typeof GetConsumerStatusRequestHeader.fields>({
  code: RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS,
  header: GetConsumerStatusRequestHeader,
  async handle(ctx, { header }) {
    const consumerTable = await consumerStatus(ctx, header.topic, header.group, header.clientAddr);
    return ok(undefined, encodeGetConsumerStatusBody({ messageQueueTable: [], consumerTable }));
  },
});
