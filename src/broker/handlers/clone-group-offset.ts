// RequestCode.CLONE_GROUP_OFFSET (314) (AdminBrokerProcessor.cloneGroupOffset): copies srcGroup's
// committed offsets to destGroup on one topic or on every topic srcGroup has offsets on; unless
// offline, topics the online srcGroup does not subscribe to are skipped.
import { CloneGroupOffsetRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const cloneGroupOffsetHandler = defineHandler<BrokerContext, typeof CloneGroupOffsetRequestHeader.fields>({
  code: RequestCode.CLONE_GROUP_OFFSET,
  header: CloneGroupOffsetRequestHeader,
  handle(ctx, { header }) {
    const topics = header.topic === undefined || header.topic.trim() === '' ? ctx.offsets.topicsOfGroup(header.srcGroup) : [header.topic];
    for (const topic of topics) {
      if (ctx.topics.get(topic) === undefined) {
        ctx.logger.warn({ topic }, '[cloneGroupOffset], topic config not exist');
        continue;
      }
      if (header.offline !== true && !ctx.consumers.countsTopic(header.srcGroup, topic)) continue;
      ctx.offsets.cloneOffset(header.srcGroup, header.destGroup, topic);
    }
    return ok();
  },
});
