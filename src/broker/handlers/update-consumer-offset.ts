// RequestCode.UPDATE_CONSUMER_OFFSET (15): a consumer's committed offset of one queue.
import { RequestCode, ResponseCode, UpdateConsumerOffsetRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const updateConsumerOffsetHandler = defineHandler<BrokerContext, typeof UpdateConsumerOffsetRequestHeader.fields>({
  code: RequestCode.UPDATE_CONSUMER_OFFSET,
  header: UpdateConsumerOffsetRequestHeader,
  handle(ctx, { header }) {
    if (ctx.groups.get(header.consumerGroup) === undefined) {
      throw new BrokerError(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `Group ${header.consumerGroup} not exist!`);
    }
    if (ctx.topics.get(header.topic) === undefined) throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `Topic ${header.topic} not exist!`);
    if (header.commitOffset < 0) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `commitOffset ${header.commitOffset} is negative`);
    ctx.offsets.commit(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
    return ok();
  },
});
