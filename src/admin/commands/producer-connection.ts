// mqadmin producerConnection -g <group> -t <topic>: a producer group's clients as a broker of the
// topic sees them (ProducerConnectionSubCommand).
import { decodeProducerConnection, GetProducerConnectionListRequestHeader, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { decodeOrFail, selectBrokerAddr } from '../ops/consumer.js';
import { versionDesc } from '../ops/mq-version.js';

export const producerConnectionCommand: AdminCommand = {
  name: 'producerConnection',
  description: "Query producer's socket connection and client version.",
  options: [option.required('g', 'producerGroup', 'producer group name'), option.required('t', 'topic', 'topic name')],
  async run(ctx, values) {
    const group = requiredValue(values, 'producerGroup').trim();
    const route = await ctx.admin.topicRoute(requiredValue(values, 'topic').trim());
    const broker = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)];
    const addr = broker === undefined ? undefined : selectBrokerAddr(broker);
    if (addr === undefined) throw new AdminError('Not found the producer group connection');
    const extFields = GetProducerConnectionListRequestHeader.encode({ producerGroup: group });
    const response = AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.GET_PRODUCER_CONNECTION_LIST, extFields }), `connections of ${group}`);
    const connection = decodeOrFail('producer connection', () => decodeProducerConnection(response.body));
    if (connection.connectionSet.length === 0) throw new AdminError('Not found the producer group connection');
    connection.connectionSet.forEach((client, index) => {
      ctx.out(javaFormat('%04d  %-32s %-22s %-8s %s', index + 1, client.clientId, client.clientAddr, client.language, versionDesc(client.version)));
    });
  },
};
