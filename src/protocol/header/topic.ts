// RequestCode.UPDATE_AND_CREATE_TOPIC (17) and DELETE_TOPIC_IN_BROKER (215).
import { bool, header, int, str, type Infer } from './define.js';

/** attributes is "+key=value,+key2=value2" (RocketMQ 5's topic attributes, e.g. +message.type=FIFO). */
export const CreateTopicRequestHeader = header({
  topic: str(),
  defaultTopic: str(),
  readQueueNums: int(),
  writeQueueNums: int(),
  perm: int(),
  topicFilterType: str(),
  topicSysFlag: int.optional(),
  order: bool(),
  attributes: str.optional(),
  force: bool.optional(),
});
export type CreateTopicRequestHeader = Infer<typeof CreateTopicRequestHeader>;

export const DeleteTopicRequestHeader = header({ topic: str() });
export type DeleteTopicRequestHeader = Infer<typeof DeleteTopicRequestHeader>;
