// mqadmin deleteTopic -t topic -c cluster (DeleteTopicSubCommand): delete the topic from every
// master of the cluster (DELETE_TOPIC_IN_BROKER), then from every name server for that cluster.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { deleteTopicInBrokers, deleteTopicInNameServers } from '../ops/topic.js';

export const deleteTopicCommand: AdminCommand = {
  name: 'deleteTopic',
  description: 'Delete topic from broker and NameServer.',
  options: [option.required('t', 'topic', 'topic name'), option.required('c', 'clusterName', 'delete topic from which cluster')],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const cluster = requiredValue(values, 'clusterName').trim();
    await deleteTopicInBrokers(ctx.admin, await ctx.admin.masterAddrsOfCluster(cluster), topic);
    ctx.out(`delete topic [${topic}] from cluster [${cluster}] success.`);
    await deleteTopicInNameServers(ctx.admin, cluster, topic);
    ctx.out(`delete topic [${topic}] from NameServer success.`);
  },
};
