// mqadmin topicList [-c]: every topic the name servers know (TopicListSubCommand); with -c, one
// line per topic and consuming group with the topic's cluster.
import {
  decodeTopicList,
  QueryTopicConsumeByWhoRequestHeader,
  RequestCode,
  ResponseCode,
  decodeGroupList,
  type ClusterInfo,
} from '../../protocol/index.js';
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../message/index.js';
import { AdminClient } from '../admin-client.js';
import { option, type AdminCommand, type AdminContext } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';

async function fetchAllTopics(ctx: AdminContext): Promise<readonly string[]> {
  const response = AdminClient.ok(await ctx.admin.namesrv({ code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER }), 'get all topics');
  return decodeTopicList(response.body).topicList;
}

/** The cluster whose brokers serve `topic` ("" when none is found). */
async function clusterOf(ctx: AdminContext, topic: string, info: ClusterInfo): Promise<{ cluster: string; brokerAddr: string | undefined }> {
  const route = await ctx.admin.topicRoute(topic);
  const broker = route.brokerDatas[0];
  if (broker === undefined) return { cluster: '', brokerAddr: undefined };
  const cluster = Object.entries(info.clusterAddrTable).find(([, names]) => names.includes(broker.brokerName))?.[0] ?? '';
  return { cluster, brokerAddr: broker.brokerAddrs['0'] };
}

async function consumingGroups(ctx: AdminContext, topic: string, brokerAddr: string | undefined): Promise<readonly string[]> {
  if (brokerAddr === undefined) return [];
  const response = await ctx.admin.broker(brokerAddr, { code: RequestCode.QUERY_TOPIC_CONSUME_BY_WHO, extFields: QueryTopicConsumeByWhoRequestHeader.encode({ topic }) });
  return response.code === ResponseCode.SUCCESS ? decodeGroupList(response.body) : [];
}

export const topicListCommand: AdminCommand = {
  name: 'topicList',
  description: 'Fetch all topic list from name server.',
  options: [option.flag('c', 'clusterModel', 'clusterModel')],
  async run(ctx, values) {
    const topics = await fetchAllTopics(ctx);
    if (values['clusterModel'] !== true) {
      for (const topic of topics) ctx.out(topic);
      return;
    }
    const info = await ctx.admin.clusterInfo();
    ctx.out(javaFormat('%-20s  %-48s  %-48s', '#Cluster Name', '#Topic', '#Consumer Group'));
    for (const topic of topics) {
      if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) continue;
      let cluster = '';
      let groups: readonly string[] = [];
      try {
        const found = await clusterOf(ctx, topic, info);
        cluster = found.cluster;
        groups = await consumingGroups(ctx, topic, found.brokerAddr);
      } catch {
        // As Java: a topic whose route or consumers cannot be read is still listed.
      }
      for (const group of groups.length > 0 ? groups : ['']) {
        ctx.out(javaFormat('%-20s  %-64s  %-64s', frontStringAtLeast(cluster, 20), frontStringAtLeast(topic, 64), frontStringAtLeast(group, 64)));
      }
    }
  },
};
