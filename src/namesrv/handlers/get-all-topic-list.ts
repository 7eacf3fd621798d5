// RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER (206): {"topicList":[..]}, or SYSTEM_ERROR "disable"
// when enableAllTopicList is off.
import { encodeTopicList, RequestCode, ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getAllTopicList = defineBodyHandler<NamesrvContext>({
  code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER,
  handle(ctx) {
    if (!ctx.config.enableAllTopicList) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, 'disable');
    return ok(undefined, encodeTopicList({ topicList: ctx.routes.allTopics() }));
  },
});
