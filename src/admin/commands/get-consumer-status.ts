// mqadmin getConsumerStatus -g <group> -t <topic> [-i <clientId>]: the offsets each live client of
// the group holds of the topic, asked through a broker (INVOKE_BROKER_TO_GET_CONSUMER_STATUS 223,
// relayed as GET_CONSUMER_STATUS_FROM_CLIENT 221; GetConsumerStatusCommand).
import { decodeGetConsumerStatusBody, GetConsumerStatusRequestHeader, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { decodeOrFail, selectBrokerAddr } from '../ops/consumer.js';

export const getConsumerStatusCommand: AdminCommand = {
  name: 'getConsumerStatus',
  description: 'get consumer status from client.',
  options: [
    option.required('g', 'group', 'set the consumer group'),
    option.required('t', 'topic', 'set the topic'),
    option.optional('i', 'originClientId', 'set the consumer clientId'),
  ],
  async run(ctx, values) {
    const group = requiredValue(values, 'group').trim();
    const topic = requiredValue(values, 'topic').trim();
    const originClientId = typeof values['originClientId'] === 'string' ? values['originClientId'].trim() : '';
    const route = await ctx.admin.topicRoute(topic);
    const first = route.brokerDatas[0];
    const addr = first === undefined ? undefined : selectBrokerAddr(first);
    if (addr === undefined) throw new AdminError(`no broker serves ${topic}`);
    const extFields = GetConsumerStatusRequestHeader.encode({ topic, group, clientAddr: originClientId });
    const response = AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, extFields }), `consumer status of ${group}`);
    const body = decodeOrFail('consumer status', () => decodeGetConsumerStatusBody(response.body));
    ctx.out(`get consumer status from client. group=${group}, topic=${topic}, originClientId=${originClientId}`);
    ctx.out(javaFormat('%-50s  %-15s  %-15s  %-20s', '#clientId', '#brokerName', '#queueId', '#offset'));
    for (const { clientId, offsets } of body.consumerTable) {
      for (const { queue, offset } of offsets) ctx.out(javaFormat('%-50s  %-15s  %-15d  %-20d', frontStringAtLeast(clientId, 50), queue.brokerName, queue.queueId, offset));
    }
  },
};
