// GET_CONSUMER_RUNNING_INFO (307): admin to broker, relayed by the broker to the client named by
// clientId, which answers with its ConsumerRunningInfo.
import { bool, header, str, type Infer } from './define.js';

export const GetConsumerRunningInfoRequestHeader = header({ consumerGroup: str(), clientId: str(), jstackEnable: bool.optional() });
export type GetConsumerRunningInfoRequestHeader = Infer<typeof GetConsumerRunningInfoRequestHeader>;
