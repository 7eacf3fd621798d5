// mqadmin updateTopicPerm -t topic -p perm (-b addr | -c cluster) (UpdateTopicPermSubCommand):
// re-create the topic with its route's queue counts and a new permission on one master broker
// or on every master of a cluster.
import type { TopicConfig, TopicRouteData } from '../../protocol/index.js';
import { AdminError, intValue, option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { createAndUpdateTopicConfig, defaultTopicConfig, topicConfigToString } from '../ops/topic.js';
import { brokerOrCluster } from './update-topic.js';

/** The name of the broker group whose master is `addr`, if the route has one. */
function masterBrokerName(route: TopicRouteData, addr: string): string | undefined {
  return route.brokerDatas.find((broker) => broker.brokerAddrs['0'] === addr)?.brokerName;
}

async function updateOnBroker(ctx: AdminContext, route: TopicRouteData, config: TopicConfig, addr: string): Promise<void> {
  const brokerName = masterBrokerName(route, addr);
  if (brokerName === undefined) throw new AdminError('updateTopicPerm error broker not exit or broker is not master!.');
  const oldPerm = route.queueDatas.find((queue) => queue.brokerName === brokerName)?.perm ?? 0;
  if (oldPerm === config.perm) {
    ctx.out('new perm equals to the old one!');
    return;
  }
  await createAndUpdateTopicConfig(ctx.admin, addr, config);
  ctx.out(`update topic perm from ${oldPerm} to ${config.perm} in ${addr} success.`);
  ctx.out(`${topicConfigToString(config)}.`);
}

export const updateTopicPermCommand: AdminCommand = {
  name: 'updateTopicPerm',
  description: 'Update topic perm.',
  options: [
    option.optional('b', 'brokerAddr', 'create topic to which broker'),
    option.optional('c', 'clusterName', 'create topic to which cluster'),
    option.required('t', 'topic', 'topic name'),
    option.required('p', 'perm', "set topic's permission(2|4|6), intro[2:W; 4:R; 6:RW]"),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const perm = intValue(values, 'perm', 0);
    const target = brokerOrCluster(values);
    const route = await ctx.admin.topicRoute(topic);
    const first = route.queueDatas[0];
    if (first === undefined) throw new AdminError(`topic ${topic} has no queues in its route`);
    const config: TopicConfig = {
      ...defaultTopicConfig(topic),
      readQueueNums: first.readQueueNums,
      writeQueueNums: first.writeQueueNums,
      topicSysFlag: first.topicSysFlag,
      perm,
    };
    if ('broker' in target) {
      await updateOnBroker(ctx, route, config, target.broker);
      return;
    }
    for (const addr of await ctx.admin.masterAddrsOfCluster(target.cluster)) {
      await createAndUpdateTopicConfig(ctx.admin, addr, config);
      ctx.out(`update topic perm from ${first.perm} to ${perm} in ${addr} success.`);
    }
  },
};
