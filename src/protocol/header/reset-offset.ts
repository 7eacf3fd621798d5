// INVOKE_BROKER_TO_RESET_OFFSET (222, admin to broker) and RESET_CONSUMER_CLIENT_OFFSET (220,
// broker to client) share ResetOffsetRequestHeader: queueId -1 (the default) means every queue;
// with a queueId, `offset` names the target instead of the time. timestamp -1 means the end of
// each queue. INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) and GET_CONSUMER_STATUS_FROM_CLIENT (221)
// share GetConsumerStatusRequestHeader.
import { bool, header, int, long, str, type Infer } from './define.js';

export const ResetOffsetRequestHeader = header({
  group: str(),
  topic: str(),
  queueId: int.optional(),
  offset: long.optional(),
  timestamp: long(),
  isForce: bool(),
});
export type ResetOffsetRequestHeader = Infer<typeof ResetOffsetRequestHeader>;

export const GetConsumerStatusRequestHeader = header({ topic: str(), group: str(), clientAddr: str.optional() });
export type GetConsumerStatusRequestHeader = Infer<typeof GetConsumerStatusRequestHeader>;
