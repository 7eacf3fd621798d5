// RequestCode.GET_ALL_TOPIC_CONFIG (21): every topic with the data version
// (TopicConfigSerializeWrapper).
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getAllTopicConfigHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_ALL_TOPIC_CONFIG,
  handle: (ctx) => ok(undefined, Buffer.from(ctx.topics.encode(false))),
});
