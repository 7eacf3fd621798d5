/**
 * consume-stats.ts: a group's progress per queue as GET_CONSUME_STATS (208) and
 * GET_BROKER_CONSUME_STATS (317) report it (AdminBrokerProcessor.getConsumeStats): the queue's max
 * offset, the group's committed offset (0 when it has none), the pull offset (we do not track
 * pulls, so it is the committed offset and nothing shows in flight) and the store time of the last
 * consumed message (the one at consumerOffset - 1), plus the group's get TPS on the topic.
 *
 * Must not: change offsets or create anything; every number comes from the store and the offset
 * table as they are now.
 */
import type { ConsumeStats, ConsumeStatsEntry, OffsetWrapper } from '../../protocol/index.js';
import type { BrokerContext } from '../context.js';

/** The topics GET_CONSUME_STATS reports on (getTopicsForCollectingConsumeStats). */
export function topicsForConsumeStats(ctx: BrokerContext, group: string, topic: string | undefined, topicList: readonly string[]): string[] {
  if (topicList.length > 0) return [...new Set(topicList)];
  const topics = topic === undefined || topic.trim() === '' ? ctx.offsets.topicsOfGroup(group) : [topic];
  return topics.filter((name) => ctx.consumers.countsTopic(group, name));
}

/** The group's get TPS on a topic over the last minute (BrokerStatsManager.tpsGroupGetNums). */
export function consumeTpsOf(ctx: BrokerContext, group: string, topic: string): number {
  return ctx.stats.tpsGroupGetNums(group, topic);
}

async function offsetWrapper(ctx: BrokerContext, group: string, topic: string, queueId: number): Promise<OffsetWrapper> {
  const brokerOffset = Math.max(ctx.store.getMaxOffsetInQueue(topic, queueId), 0);
  const consumerOffset = Math.max(ctx.offsets.query(group, topic, queueId), 0);
  const lastTimestamp = consumerOffset > 0 ? ((await ctx.store.getMessageStoreTimestamp(topic, queueId, consumerOffset - 1)) ?? 0) : 0;
  return { brokerOffset, consumerOffset, pullOffset: consumerOffset, lastTimestamp: lastTimestamp > 0 ? lastTimestamp : 0 };
}

/** One topic's queues (the first `queueNums`) for the group; none when the topic is unknown. */
export async function topicConsumeStats(ctx: BrokerContext, group: string, topic: string, queueNums: (config: { readQueueNums: number; writeQueueNums: number }) => number): Promise<ConsumeStats | undefined> {
  const config = ctx.topics.get(topic);
  if (config === undefined) {
    ctx.logger.warn({ topic, group }, 'consume stats: topic config does not exist');
    return undefined;
  }
  const offsetTable: ConsumeStatsEntry[] = [];
  for (let queueId = 0; queueId < queueNums(config); queueId++) {
    offsetTable.push({ queue: { topic, brokerName: ctx.config.brokerName, queueId }, offset: await offsetWrapper(ctx, group, topic, queueId) });
  }
  return { offsetTable, consumeTps: consumeTpsOf(ctx, group, topic) };
}

/** GET_CONSUME_STATS: every listed topic's readable queues, TPS summed over them. */
export async function groupConsumeStats(ctx: BrokerContext, group: string, topics: readonly string[]): Promise<ConsumeStats> {
  const offsetTable: ConsumeStatsEntry[] = [];
  let consumeTps = 0;
  for (const topic of topics) {
    const stats = await topicConsumeStats(ctx, group, topic, (config) => config.readQueueNums);
    if (stats === undefined) continue;
    offsetTable.push(...stats.offsetTable);
    consumeTps += stats.consumeTps;
  }
  return { offsetTable, consumeTps };
}
