// RequestCode.GET_CONSUMER_RUNNING_INFO (307) (AdminBrokerProcessor.getConsumerRunningInfo): relayed
// to the named client of the group, whose answer (a ConsumerRunningInfo) is returned as it is.
import { GetConsumerRunningInfoRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { callConsumer } from '../client/broker-to-client.js';

export const getConsumerRunningInfoHandler = defineHandler<BrokerContext, typeof GetConsumerRunningInfoRequestHeader.fields>({
  code: RequestCode.GET_CONSUMER_RUNNING_INFO,
  header: GetConsumerRunningInfoRequestHeader,
  async handle(ctx, { header, command }) {
    const response = await callConsumer(ctx, command, header.consumerGroup, header.clientId);
    return { code: response.code, ...(response.remark === undefined ? {} : { remark: response.remark }), extFields: response.extFields, body: response.body };
  },
});
