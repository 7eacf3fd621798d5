// RequestCode.SEARCH_OFFSET_BY_TIMESTAMP (29): the queue offset of a point in time.
import { OffsetResponseHeader, RequestCode, SearchOffsetRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const searchOffsetByTimestampHandler = defineHandler<BrokerContext, typeof SearchOffsetRequestHeader.fields>({
  code: RequestCode.SEARCH_OFFSET_BY_TIMESTAMP,
  header: SearchOffsetRequestHeader,
  async handle(ctx, { header }) {
    const boundary = header.boundaryType?.toLowerCase() === 'upper' ? 'upper' : 'lower';
    const offset = await ctx.store.getOffsetInQueueByTime(header.topic, header.queueId, header.timestamp, boundary);
    return ok(OffsetResponseHeader.encode({ offset }));
  },
});
