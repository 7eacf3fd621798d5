// RequestCode.GET_MAX_OFFSET (30): the next offset to be written in a queue.
import { GetMaxOffsetRequestHeader, OffsetResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getMaxOffsetHandler = defineHandler<BrokerContext, typeof GetMaxOffsetRequestHeader.fields>({
  code: RequestCode.GET_MAX_OFFSET,
  header: GetMaxOffsetRequestHeader,
  handle: (ctx, { header }) => ok(OffsetResponseHeader.encode({ offset: ctx.store.getMaxOffsetInQueue(header.topic, header.queueId) })),
});
