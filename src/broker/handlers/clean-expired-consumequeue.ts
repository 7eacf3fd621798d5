// RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE (306): drops ConsumeQueues whose messages are all gone from
// the CommitLog (DefaultMessageStore.cleanExpiredConsumerQueue). A queue is expired when it was
// written and retention has moved its min offset up to its max (every entry points below the
// CommitLog's first offset: Java's "last entry < minCommitLogOffset"). Our store drops ConsumeQueues
// a topic at a time, so a topic's queues go when every queue of it that was written is expired;
// as in Java the topic's config stays, system topics are never touched, and the queue offsets of
// a dropped topic start again at 0.
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

/** Topics whose written queues are all expired. */
export function expiredTopics(ctx: BrokerContext): Set<string> {
  const expired = new Set<string>();
  for (const [topic, config] of ctx.topics.all()) {
    if (ctx.topics.isSystemTopic(topic)) continue;
    let written = 0;
    let live = 0;
    for (let queueId = 0; queueId < Math.max(config.readQueueNums, config.writeQueueNums); queueId++) {
      const max = ctx.store.getMaxOffsetInQueue(topic, queueId);
      if (max === 0) continue;
      written++;
      if (ctx.store.getMinOffsetInQueue(topic, queueId) < max) live++;
    }
    if (written > 0 && live === 0) expired.add(topic);
  }
  return expired;
}

export const cleanExpiredConsumeQueueHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.CLEAN_EXPIRED_CONSUMEQUEUE,
  async handle(ctx, { connection }) {
    const topics = expiredTopics(ctx);
    ctx.logger.warn({ caller: connection.remoteAddress, topics: [...topics], minPhyOffset: ctx.store.minPhyOffset }, 'cleaning expired ConsumeQueues on request');
    await ctx.store.deleteTopics(topics);
    return ok();
  },
});
