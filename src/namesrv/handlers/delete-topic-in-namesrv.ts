// RequestCode.DELETE_TOPIC_IN_NAMESRV (216): drops the topic's route, from one cluster's brokers when
// clusterName is given and not empty, else everywhere.
import { DeleteTopicFromNamesrvRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const deleteTopicInNamesrv = defineHandler<NamesrvContext, typeof DeleteTopicFromNamesrvRequestHeader.fields>({
  code: RequestCode.DELETE_TOPIC_IN_NAMESRV,
  header: DeleteTopicFromNamesrvRequestHeader,
  handle(ctx, { header }) {
    const clusterName = header.clusterName === undefined || header.clusterName === '' ? undefined : header.clusterName;
    ctx.routes.deleteTopic(header.topic, clusterName);
    ctx.logger.info({ topic: header.topic, cluster: clusterName }, 'topic deleted from name server');
    return ok();
  },
});
