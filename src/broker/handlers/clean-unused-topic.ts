// RequestCode.CLEAN_UNUSED_TOPIC (316) (AdminBrokerProcessor.cleanUnusedTopic, via
// DefaultMessageStore.cleanUnusedTopic): drop the ConsumeQueues of every topic the broker has no
// topic config for (left behind by a deleted topic or a lost topics.json), except system topics
// and LMQ queues. The CommitLog data ages out as usual. Answers SUCCESS, as Java does.
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

/** MixAll.LMQ_PREFIX: light message queues live outside the topic config table. */
const LMQ_PREFIX = '%LMQ%';

export const cleanUnusedTopicHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.CLEAN_UNUSED_TOPIC,
  async handle(ctx, { connection }) {
    const unused = ctx.store
      .consumeQueueTopics()
      .filter((topic) => ctx.topics.get(topic) === undefined && !ctx.topics.isSystemTopic(topic) && !topic.startsWith(LMQ_PREFIX));
    ctx.logger.warn({ caller: connection.remoteAddress, topics: unused }, 'clean unused topics');
    if (unused.length > 0) await ctx.store.deleteTopics(new Set(unused));
    return ok();
  },
});
