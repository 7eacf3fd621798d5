// mqadmin topicClusterList -t topic (TopicClusterSubCommand): the clusters serving a topic, one a line.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { topicClusters } from '../ops/topic.js';

export const topicClusterListCommand: AdminCommand = {
  name: 'topicClusterList',
  description: 'Get cluster info for topic.',
  options: [option.required('t', 'topic', 'topic name')],
  async run(ctx, values) {
    for (const cluster of await topicClusters(ctx.admin, requiredValue(values, 'topic').trim())) ctx.out(cluster);
  },
};
