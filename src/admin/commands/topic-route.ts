// mqadmin topicRoute -t <topic> [-l]: the route the name servers give for a topic
// (TopicRouteSubCommand): pretty JSON, or with -l a table of queues per broker.
import { permToString } from '../../protocol/index.js';
import { option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';

export const topicRouteCommand: AdminCommand = {
  name: 'topicRoute',
  description: 'Examine topic route info.',
  options: [option.required('t', 'topic', 'topic name'), option.flag('l', 'list', 'Use list format to print data')],
  async run(ctx, values) {
    const route = await ctx.admin.topicRoute(requiredValue(values, 'topic'));
    if (values['list'] !== true) {
      ctx.out(JSON.stringify(route, null, '\t'));
      return;
    }
    ctx.out(javaFormat('%-45s %-32s %-50s %-10s %-11s %-5s', '#ClusterName', '#BrokerName', '#BrokerAddrs', '#ReadQueue', '#WriteQueue', '#Perm'));
    const sorted = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
    for (const queue of sorted) {
      const broker = route.brokerDatas.find((data) => data.brokerName === queue.brokerName);
      const addrs = broker ? Object.entries(broker.brokerAddrs).map(([id, addr]) => `${id}:${addr}`).join(',') : '';
      ctx.out(javaFormat('%-45s %-32s %-50s %-10s %-11s %-5s', broker?.cluster ?? '', queue.brokerName, addrs, queue.readQueueNums, queue.writeQueueNums, permToString(queue.perm)));
    }
  },
};
