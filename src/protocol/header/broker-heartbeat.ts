// RequestCode.BROKER_HEARTBEAT (904): a RocketMQ 5 broker's light heartbeat to name servers and the
// controller (BrokerHeartbeatRequestHeader.java; heartbeatTimeoutMills is Java's spelling).
import { header, int, long, str, type Infer } from './define.js';

export const BrokerHeartbeatRequestHeader = header({
  clusterName: str(),
  brokerAddr: str(),
  brokerName: str(),
  brokerId: long.optional(),
  epoch: int.optional(),
  maxOffset: long.optional(),
  confirmOffset: long.optional(),
  heartbeatTimeoutMills: long.optional(),
  electionPriority: int.optional(),
});
export type BrokerHeartbeatRequestHeader = Infer<typeof BrokerHeartbeatRequestHeader>;
