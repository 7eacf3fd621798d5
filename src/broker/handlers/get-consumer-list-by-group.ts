// RequestCode.GET_CONSUMER_LIST_BY_GROUP (38): the client ids of a group, for rebalancing.
import { encodeConsumerIdList, GetConsumerListByGroupRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const getConsumerListByGroupHandler = defineHandler<BrokerContext, typeof GetConsumerListByGroupRequestHeader.fields>({
  code: RequestCode.GET_CONSUMER_LIST_BY_GROUP,
  header: GetConsumerListByGroupRequestHeader,
  handle(ctx, { header }) {
    const ids = ctx.consumers.clientIds(header.consumerGroup);
    if (ids.length === 0) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${header.consumerGroup}`);
    return ok(undefined, encodeConsumerIdList(ids));
  },
});
