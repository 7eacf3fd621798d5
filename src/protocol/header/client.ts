// RequestCode.UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38) and
// NOTIFY_CONSUMER_IDS_CHANGED (40, broker to client).
import { header, str, type Infer } from './define.js';

export const UnregisterClientRequestHeader = header({
  clientID: str(),
  producerGroup: str.optional(),
  consumerGroup: str.optional(),
});
export type UnregisterClientRequestHeader = Infer<typeof UnregisterClientRequestHeader>;

export const GetConsumerListByGroupRequestHeader = header({ consumerGroup: str() });
export type GetConsumerListByGroupRequestHeader = Infer<typeof GetConsumerListByGroupRequestHeader>;

export const NotifyConsumerIdsChangedRequestHeader = header({ consumerGroup: str() });
export type NotifyConsumerIdsChangedRequestHeader = Infer<typeof NotifyConsumerIdsChangedRequestHeader>;
