// RequestCode.GET_TOPIC_STATS_INFO (202) (AdminBrokerProcessor.getTopicStatsInfo): for each queue
// of a topic on this broker (max of read and write queue counts), its min and max offset and the
// store time of its last message (0 when empty), with the topic's put TPS over the last minute.
import { GetTopicStatsInfoRequestHeader, RequestCode, ResponseCode, encodeTopicStatsTable, type TopicOffset } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

async function queueOffset(ctx: BrokerContext, topic: string, queueId: number): Promise<TopicOffset> {
  const minOffset = Math.max(0, ctx.store.getMinOffsetInQueue(topic, queueId));
  const maxOffset = Math.max(0, ctx.store.getMaxOffsetInQueue(topic, queueId));
  const lastUpdateTimestamp = maxOffset > 0 ? ((await ctx.store.getMessageStoreTimestamp(topic, queueId, maxOffset - 1)) ?? 0) : 0;
  return { minOffset, maxOffset, lastUpdateTimestamp };
}

export const getTopicStatsInfoHandler = defineHandler<BrokerContext, typeof GetTopicStatsInfoRequestHeader.fields>({
  code: RequestCode.GET_TOPIC_STATS_INFO,
  header: GetTopicStatsInfoRequestHeader,
  async handle(ctx, { header }) {
    const config = ctx.topics.get(header.topic);
    if (config === undefined) throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist`);
    const queueNums = Math.max(config.readQueueNums, config.writeQueueNums);
    const offsetTable = [];
    for (let queueId = 0; queueId < queueNums; queueId++) {
      offsetTable.push({
        queue: { topic: header.topic, brokerName: ctx.config.brokerName, queueId },
        offset: await queueOffset(ctx, header.topic, queueId),
      });
    }
    return ok(undefined, encodeTopicStatsTable({ offsetTable, topicPutTps: ctx.stats.tpsTopicPutNums(header.topic) }));
  },
});
