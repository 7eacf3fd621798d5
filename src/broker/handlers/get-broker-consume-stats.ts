// RequestCode.GET_BROKER_CONSUME_STATS (317) (AdminBrokerProcessor.fetchAllConsumeStatsInBroker):
// every subscription group's progress on every topic it has offsets on (only ordered topics when
// isOrder), per writable queue, with the broker's total diff.
import {
  consumeStatsInflightDiff,
  consumeStatsTotalDiff,
  encodeConsumeStatsList,
  GetConsumeStatsInBrokerHeader,
  RequestCode,
  type ConsumeStats,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { topicConsumeStats } from '../offset/consume-stats.js';

export const getBrokerConsumeStatsHandler = defineHandler<BrokerContext, typeof GetConsumeStatsInBrokerHeader.fields>({
  code: RequestCode.GET_BROKER_CONSUME_STATS,
  header: GetConsumeStatsInBrokerHeader,
  async handle(ctx, { header }) {
    const consumeStatsList: { group: string; stats: ConsumeStats[] }[] = [];
    let totalDiff = 0;
    let totalInflightDiff = 0;
    for (const group of ctx.groups.all().keys()) {
      const stats: ConsumeStats[] = [];
      for (const topic of ctx.offsets.topicsOfGroup(group)) {
        const config = ctx.topics.get(topic);
        if (config === undefined || (header.isOrder && !config.order) || !ctx.consumers.countsTopic(group, topic)) continue;
        const topicStats = await topicConsumeStats(ctx, group, topic, (queues) => queues.writeQueueNums);
        if (topicStats === undefined) continue;
        totalDiff += consumeStatsTotalDiff(topicStats);
        totalInflightDiff += consumeStatsInflightDiff(topicStats);
        stats.push(topicStats);
      }
      consumeStatsList.push({ group, stats });
    }
    return ok(undefined, encodeConsumeStatsList({ brokerAddr: ctx.brokerAddress, consumeStatsList, totalDiff, totalInflightDiff }));
  },
});
