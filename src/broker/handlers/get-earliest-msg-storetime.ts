// RequestCode.GET_EARLIEST_MSG_STORETIME (32): store time of the first message still in a queue.
import { GetEarliestMsgStoretimeRequestHeader, GetEarliestMsgStoretimeResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getEarliestMsgStoretimeHandler = defineHandler<BrokerContext, typeof GetEarliestMsgStoretimeRequestHeader.fields>({
  code: RequestCode.GET_EARLIEST_MSG_STORETIME,
  header: GetEarliestMsgStoretimeRequestHeader,
  async handle(ctx, { header }) {
    // Java answers -1 for an empty queue.
    const timestamp = (await ctx.store.getEarliestMessageTime(header.topic, header.queueId)) ?? -1;
    return ok(GetEarliestMsgStoretimeResponseHeader.encode({ timestamp }));
  },
});
