// GET_CONSUME_STATS (208): a group's progress on one topic, on the topics listed in topicList
// (";"-separated), or on every topic it has offsets for; GET_BROKER_CONSUME_STATS (317): every
// group's progress on this broker, only on ordered topics when isOrder.
import { bool, header, str, type Infer } from './define.js';

export const GetConsumeStatsRequestHeader = header({ consumerGroup: str(), topic: str.optional(), topicList: str.optional() });
export type GetConsumeStatsRequestHeader = Infer<typeof GetConsumeStatsRequestHeader>;

export const GetConsumeStatsInBrokerHeader = header({ isOrder: bool() });
export type GetConsumeStatsInBrokerHeader = Infer<typeof GetConsumeStatsInBrokerHeader>;
