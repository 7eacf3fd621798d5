// QUERY_CONSUME_QUEUE (321): `count` ConsumeQueue entries of a queue from queue offset `index`
// (answer: QueryConsumeQueueResponseBody); with a consumerGroup, its subscription too.
import { header, int, long, str, type Infer } from './define.js';

export const QueryConsumeQueueRequestHeader = header({ topic: str(), queueId: int(), index: long(), count: int(), consumerGroup: str.optional() });
export type QueryConsumeQueueRequestHeader = Infer<typeof QueryConsumeQueueRequestHeader>;
