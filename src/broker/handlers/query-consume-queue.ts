// RequestCode.QUERY_CONSUME_QUEUE (321): up to `count` ConsumeQueue entries of a queue from queue
// offset `index` (AdminBrokerProcessor.queryConsumeQueue): CommitLog offset, size and tag hash of
// each, the queue's min and max index, and with a consumerGroup the group's subscription of the
// topic ("<group>@<topic> is not online!" as filterData when it has none). Our ConsumeQueue has no
// extension file, so `eval`, `bitMap` and `extendDataJson` stay unset, as Java leaves them for
// entries with a plain tag hash. Must not: read more than QUERY_CONSUME_QUEUE_COUNT_MAX entries.
import {
  encodeQueryConsumeQueueResponseBody,
  QueryConsumeQueueRequestHeader,
  RequestCode,
  ResponseCode,
  type QueryConsumeQueueResponseBody,
  type SubscriptionData,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

/** Most entries one request reads (the tools ask for 10 by default). */
export const QUERY_CONSUME_QUEUE_COUNT_MAX = 10_000;

/** ConsumerFilterData as fastjson pretty-prints it; "null" for tag subscriptions, which have none. */
function filterDataOf(group: string, subscription: SubscriptionData): string {
  if (subscription.expressionType !== 'SQL92') return 'null';
  const fields = { consumerGroup: group, expression: subscription.subString, expressionType: subscription.expressionType, topic: subscription.topic, version: subscription.subVersion };
  return JSON.stringify(fields, null, '\t');
}

export const queryConsumeQueueHandler = defineHandler<BrokerContext, typeof QueryConsumeQueueRequestHeader.fields>({
  code: RequestCode.QUERY_CONSUME_QUEUE,
  header: QueryConsumeQueueRequestHeader,
  async handle(ctx, { header }) {
    const { topic, queueId, index, consumerGroup } = header;
    const count = Math.min(Math.max(header.count, 0), QUERY_CONSUME_QUEUE_COUNT_MAX);
    const entries = await ctx.store.getConsumeQueueEntries(topic, queueId, index, count);
    if (entries === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `${queueId}@${topic} is not exist!`);
    const minQueueIndex = ctx.store.getMinOffsetInQueue(topic, queueId);
    const maxQueueIndex = ctx.store.getMaxOffsetInQueue(topic, queueId);
    let subscription: Pick<QueryConsumeQueueResponseBody, 'subscriptionData' | 'filterData'> = {};
    if (consumerGroup !== undefined) {
      const found = ctx.consumers.findSubscription(consumerGroup, topic);
      subscription = { subscriptionData: found, filterData: found === undefined ? `${consumerGroup}@${topic} is not online!` : filterDataOf(consumerGroup, found) };
    }
    const body = encodeQueryConsumeQueueResponseBody({
      ...subscription,
      minQueueIndex,
      maxQueueIndex,
      queueData: entries.map((entry) => ({ physicOffset: entry.commitLogOffset, physicSize: entry.size, tagsCode: entry.tagsCode, eval: false })),
    });
    const exists = index >= minQueueIndex && index < maxQueueIndex;
    return { ...ok(undefined, body), ...(exists ? {} : { remark: `Index ${index} of ${queueId}@${topic} is not exist!` }) };
  },
});
