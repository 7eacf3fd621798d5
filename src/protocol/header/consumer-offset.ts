// RequestCode.QUERY_CONSUMER_OFFSET (14) and UPDATE_CONSUMER_OFFSET (15).
import { bool, header, int, long, str, type Infer } from './define.js';

export const QueryConsumerOffsetRequestHeader = header({
  consumerGroup: str(),
  topic: str(),
  queueId: int(),
  setZeroIfNotFound: bool.optional(),
});
export type QueryConsumerOffsetRequestHeader = Infer<typeof QueryConsumerOffsetRequestHeader>;

export const QueryConsumerOffsetResponseHeader = header({ offset: long() });

export const UpdateConsumerOffsetRequestHeader = header({
  consumerGroup: str(),
  topic: str(),
  queueId: int(),
  commitOffset: long(),
});
export type UpdateConsumerOffsetRequestHeader = Infer<typeof UpdateConsumerOffsetRequestHeader>;
