// RequestCode.BROKER_HEARTBEAT (904): a RocketMQ 5 broker's light heartbeat; it refreshes the
// broker's liveness (nothing happens for a broker that is not registered).
import { BrokerHeartbeatRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const brokerHeartbeat = defineHandler<NamesrvContext, typeof BrokerHeartbeatRequestHeader.fields>({
  code: RequestCode.BROKER_HEARTBEAT,
  header: BrokerHeartbeatRequestHeader,
  handle(ctx, { header }) {
    ctx.routes.refreshLiveness(header.clusterName, header.brokerAddr);
    return ok();
  },
});
