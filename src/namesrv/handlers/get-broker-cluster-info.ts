// RequestCode.GET_BROKER_CLUSTER_INFO (106): ClusterInfo, written as Java's name server writes it
// to every client: fastjson with unquoted broker-id keys ({0:"ip:port"}).
import { encodeClusterInfo, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getBrokerClusterInfo = defineBodyHandler<NamesrvContext>({
  code: RequestCode.GET_BROKER_CLUSTER_INFO,
  handle(ctx) {
    return ok(undefined, encodeClusterInfo(ctx.routes.clusterInfo(), false));
  },
});
