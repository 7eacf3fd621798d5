// RequestCode.GET_TOPIC_STATS_INFO (202): per queue min/max offset and last store time of a topic
// on one broker (answer: TopicStatsTable). Java's TopicRequestHeader fields (lo, namespace, ...)
// may come along; they are ignored.
import { header, str, type Infer } from './define.js';

export const GetTopicStatsInfoRequestHeader = header({ topic: str() });
export type GetTopicStatsInfoRequestHeader = Infer<typeof GetTopicStatsInfoRequestHeader>;
