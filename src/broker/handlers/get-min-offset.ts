// RequestCode.GET_MIN_OFFSET (31): the smallest offset still stored in a queue.
import { GetMinOffsetRequestHeader, OffsetResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getMinOffsetHandler = defineHandler<BrokerContext, typeof GetMinOffsetRequestHeader.fields>({
  code: RequestCode.GET_MIN_OFFSET,
  header: GetMinOffsetRequestHeader,
  handle: (ctx, { header }) => ok(OffsetResponseHeader.encode({ offset: ctx.store.getMinOffsetInQueue(header.topic, header.queueId) })),
});
