// RequestCode.QUERY_TOPIC_CONSUME_BY_WHO (300): the groups consuming a topic: online groups that
// subscribe to it and groups that have offsets of it (AdminBrokerProcessor.queryTopicConsumeByWho),
// as a GroupList, sorted.
import { encodeGroupList, QueryTopicConsumeByWhoRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const queryTopicConsumeByWhoHandler = defineHandler<BrokerContext, typeof QueryTopicConsumeByWhoRequestHeader.fields>({
  code: RequestCode.QUERY_TOPIC_CONSUME_BY_WHO,
  header: QueryTopicConsumeByWhoRequestHeader,
  handle(ctx, { header }) {
    const groups = new Set(ctx.consumers.groupNames().filter((group) => ctx.consumers.findSubscription(group, header.topic) !== undefined));
    for (const group of ctx.offsets.groupsOfTopic(header.topic)) groups.add(group);
    return ok(undefined, encodeGroupList([...groups].sort()));
  },
});
