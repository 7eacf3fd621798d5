// RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS (304): cluster and broker names (each broker group has a
// system topic of its name) and one broker address to ask for the rest.
import { encodeTopicList, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getSystemTopicList = defineBodyHandler<NamesrvContext>({
  code: RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS,
  handle(ctx) {
    return ok(undefined, encodeTopicList(ctx.routes.systemTopicList()));
  },
});
