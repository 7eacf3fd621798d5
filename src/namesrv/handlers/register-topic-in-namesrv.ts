/**
 * RequestCode.REGISTER_TOPIC_IN_NAMESRV (217): a broker with enableSingleTopicRegister registering
 * one topic. The body is a TopicRouteData with queueDatas only (BrokerOuterAPI.registerSingleTopicAll).
 * A QueueData naming an unregistered broker makes Java skip the request; it still answers SUCCESS.
 */
import {
  asArray,
  asObject,
  decodeQueueData,
  optional,
  parseBody,
  RegisterTopicRequestHeader,
  RequestCode,
  type QueueData,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

function decodeQueueDatas(body: Buffer | undefined): QueueData[] {
  if (body === undefined || body.length === 0) return [];
  const root = asObject(parseBody(body, 'topic route'), 'route');
  return optional(root['queueDatas'], [], (value) => asArray(value, 'route.queueDatas')).map((item, index) =>
    decodeQueueData(item, `route.queueDatas[${index}]`),
  );
}

export const registerTopicInNamesrv = defineHandler<NamesrvContext, typeof RegisterTopicRequestHeader.fields>({
  code: RequestCode.REGISTER_TOPIC_IN_NAMESRV,
  header: RegisterTopicRequestHeader,
  handle(ctx, { header, command }) {
    const queueDatas = decodeQueueDatas(command.body);
    if (!ctx.routes.registerTopic(header.topic, queueDatas)) {
      ctx.logger.warn({ topic: header.topic, queueDatas }, 'register topic names an unregistered broker; ignored');
    }
    return ok();
  },
});
