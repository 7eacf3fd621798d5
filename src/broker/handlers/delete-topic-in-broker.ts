// RequestCode.DELETE_TOPIC_IN_BROKER (215): forget a topic, its consumer offsets and its queues.
import { DeleteTopicRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { validateTopic } from '../topic/topic-validator.js';

export const deleteTopicInBrokerHandler = defineHandler<BrokerContext, typeof DeleteTopicRequestHeader.fields>({
  code: RequestCode.DELETE_TOPIC_IN_BROKER,
  header: DeleteTopicRequestHeader,
  async handle(ctx, { header, connection }) {
    const problem = validateTopic(header.topic);
    if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
    if (ctx.topics.isSystemTopic(header.topic)) {
      throw new BrokerError(ResponseCode.INVALID_PARAMETER, `The topic[${header.topic}] is conflict with system topic.`);
    }
    ctx.logger.info({ topic: header.topic, caller: connection.remoteAddress }, 'delete topic');
    ctx.topics.delete(header.topic);
    ctx.offsets.removeTopic(header.topic);
    await ctx.store.deleteTopics(new Set([header.topic]));
    return ok();
  },
});
