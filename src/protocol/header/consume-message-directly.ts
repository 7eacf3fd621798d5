// CONSUME_MESSAGE_DIRECTLY (309) (ConsumeMessageDirectlyResultRequestHeader): admin to broker with
// consumerGroup, clientId, topic and the offset msgId of a stored message; the broker adds its
// brokerName, topicSysFlag and groupSysFlag and relays the request, with the stored record as body,
// to the client, which consumes it and answers a ConsumeMessageDirectlyResult.
import { int, header, str, type Infer } from './define.js';

export const ConsumeMessageDirectlyResultRequestHeader = header({
  consumerGroup: str(),
  clientId: str.optional(),
  msgId: str.optional(),
  brokerName: str.optional(),
  topic: str.optional(),
  topicSysFlag: int.optional(),
  groupSysFlag: int.optional(),
});
export type ConsumeMessageDirectlyResultRequestHeader = Infer<typeof ConsumeMessageDirectlyResultRequestHeader>;
