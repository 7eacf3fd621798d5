// RequestCode.QUERY_TOPIC_CONSUME_BY_WHO (300): the consumer groups of a topic (answer: GroupList).
import { header, str, type Infer } from './define.js';

export const QueryTopicConsumeByWhoRequestHeader = header({ topic: str() });
export type QueryTopicConsumeByWhoRequestHeader = Infer<typeof QueryTopicConsumeByWhoRequestHeader>;
