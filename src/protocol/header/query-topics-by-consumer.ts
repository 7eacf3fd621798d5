// QUERY_TOPICS_BY_CONSUMER (343): the topics a group has committed offsets for on a broker
// (answer: TopicList with brokerAddr).
import { header, str, type Infer } from './define.js';

export const QueryTopicsByConsumerRequestHeader = header({ group: str() });
export type QueryTopicsByConsumerRequestHeader = Infer<typeof QueryTopicsByConsumerRequestHeader>;
