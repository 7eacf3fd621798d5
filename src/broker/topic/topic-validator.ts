/**
 * topic-validator.ts: the names a broker refuses, with RocketMQ's remarks (TopicValidator.java).
 */
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, TopicNames } from '../../message/index.js';

const TOPIC_LENGTH_MAX = 127;
const GROUP_LENGTH_MAX = 120;
const VALID = /^[%|a-zA-Z0-9_-]+$/;

/** Topics no client may send to (TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET). */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  TopicNames.SCHEDULE_TOPIC,
  TopicNames.TRANS_HALF_TOPIC,
  TopicNames.TRANS_OP_HALF_TOPIC,
  TopicNames.TRANS_CHECK_MAX_TIME_TOPIC,
  TopicNames.SELF_TEST_TOPIC,
  TopicNames.OFFSET_MOVED_EVENT,
]);

/** Why a topic name is invalid, in RocketMQ's words, or undefined when it is valid. */
export function validateTopic(topic: string): string | undefined {
  if (topic.trim().length === 0) return 'The specified topic is blank.';
  if (!VALID.test(topic)) return `The specified topic: ${topic}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  // The V1 record stores the topic length in one byte, so retry and DLQ topics share the 127 limit here.
  if (Buffer.byteLength(topic) > TOPIC_LENGTH_MAX) {
    const kind = topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX) ? 'DLQ or Retry topic' : 'topic';
    return `The specified ${kind}: ${topic}, is longer than topic max length: ${TOPIC_LENGTH_MAX}`;
  }
  return undefined;
}

/** Why a group name is invalid, or undefined when it is valid. */
export function validateGroup(group: string): string | undefined {
  if (group.trim().length === 0) return 'The specified group is blank.';
  if (!VALID.test(group)) return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (group.length > GROUP_LENGTH_MAX) return `The specified group: ${group}, is longer than group max length: ${GROUP_LENGTH_MAX}`;
  return undefined;
}
