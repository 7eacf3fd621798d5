// RequestCode.GET_TOPICS_BY_CLUSTER (224): topics with queues on the cluster's brokers, or
// SYSTEM_ERROR "disable" when enableTopicList is off.
import { encodeTopicList, GetTopicsByClusterRequestHeader, RequestCode, ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getTopicsByCluster = defineHandler<NamesrvContext, typeof GetTopicsByClusterRequestHeader.fields>({
  code: RequestCode.GET_TOPICS_BY_CLUSTER,
  header: GetTopicsByClusterRequestHeader,
  handle(ctx, { header }) {
    if (!ctx.config.enableTopicList) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, 'disable');
    return ok(undefined, encodeTopicList({ topicList: ctx.routes.topicsByCluster(header.cluster) }));
  },
});
