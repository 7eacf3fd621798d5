// RequestCode.GET_CONSUME_STATS (208) (AdminBrokerProcessor.getConsumeStats): a group's progress
// per readable queue of the topics asked for (or of every topic it has offsets on).
import { encodeConsumeStats, GetConsumeStatsRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { groupConsumeStats, topicsForConsumeStats } from '../offset/consume-stats.js';

export const getConsumeStatsHandler = defineHandler<BrokerContext, typeof GetConsumeStatsRequestHeader.fields>({
  code: RequestCode.GET_CONSUME_STATS,
  header: GetConsumeStatsRequestHeader,
  async handle(ctx, { header }) {
    const topicList = (header.topicList ?? '').split(';').filter((topic) => topic.trim() !== '');
    const topics = topicsForConsumeStats(ctx, header.consumerGroup, header.topic, topicList);
    return ok(undefined, encodeConsumeStats(await groupConsumeStats(ctx, header.consumerGroup, topics)));
  },
});
