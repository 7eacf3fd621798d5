// mqadmin cleanUnusedTopic [-b addr | -c cluster] (CleanUnusedTopicCommand): CLEAN_UNUSED_TOPIC
// (316) to one broker, to every broker of a cluster, or (neither) of every cluster; prints
// "success" (Java prints "false" when a cluster has no broker; so do we).
import type { ClusterInfo } from '../../protocol/index.js';
import { option, type AdminCommand } from '../command.js';
import { cleanUnusedTopicByAddr } from '../ops/topic.js';

/** ClusterInfo.retrieveAllAddrByCluster: every address (masters and slaves) of a cluster's brokers. */
function addrsOfCluster(info: ClusterInfo, cluster: string): string[] {
  return (info.clusterAddrTable[cluster] ?? []).flatMap((name) => Object.values(info.brokerAddrTable[name]?.brokerAddrs ?? {}));
}

export const cleanUnusedTopicCommand: AdminCommand = {
  name: 'cleanUnusedTopic',
  description: 'Clean unused topic on broker.',
  options: [option.optional('b', 'brokerAddr', 'Broker address'), option.optional('c', 'cluster', 'cluster name')],
  async run(ctx, values) {
    const broker = values['brokerAddr'];
    let addrs: string[];
    if (typeof broker === 'string') {
      addrs = [broker.trim()];
    } else {
      const info = await ctx.admin.clusterInfo();
      const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : '';
      const clusters = cluster === '' ? Object.keys(info.clusterAddrTable) : [cluster];
      addrs = clusters.flatMap((name) => addrsOfCluster(info, name));
    }
    for (const addr of addrs) await cleanUnusedTopicByAddr(ctx.admin, addr);
    ctx.out(addrs.length > 0 ? 'success' : 'false');
  },
};
