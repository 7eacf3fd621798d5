// RequestCode.QUERY_CONSUMER_OFFSET (14) (ConsumerManageProcessor.queryConsumerOffset).
import { OffsetResponseHeader, QueryConsumerOffsetRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const queryConsumerOffsetHandler = defineHandler<BrokerContext, typeof QueryConsumerOffsetRequestHeader.fields>({
  code: RequestCode.QUERY_CONSUMER_OFFSET,
  header: QueryConsumerOffsetRequestHeader,
  async handle(ctx, { header }) {
    const offset = ctx.offsets.query(header.consumerGroup, header.topic, header.queueId);
    if (offset >= 0) return ok(OffsetResponseHeader.encode({ offset }));
    if (header.setZeroIfNotFound === false) {
      throw new BrokerError(ResponseCode.QUERY_NOT_FOUND, 'Not found, do not set to zero, maybe this group boot first');
    }
    // A group without an offset starts at the queue's first message while the queue was never
    // trimmed and that message is still recent (in memory, in Java's words); else the client
    // applies its consumeFromWhere.
    const minOffset = ctx.store.getMinOffsetInQueue(header.topic, header.queueId);
    if (minOffset <= 0 && !(await ctx.store.checkInDiskByConsumeOffset(header.topic, header.queueId, 0))) {
      return ok(OffsetResponseHeader.encode({ offset: 0 }));
    }
    throw new BrokerError(ResponseCode.QUERY_NOT_FOUND, 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first');
  },
});
