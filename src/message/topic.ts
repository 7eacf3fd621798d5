/**
 * topic.ts: topic and group names RocketMQ reserves (MixAll.java, TopicValidator.java), and the
 * rule a topic name must follow.
 */

export const TopicNames = {
  /** The template topic auto-created topics copy (TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC). */
  AUTO_CREATE_TOPIC_KEY: 'TBW102',
  SCHEDULE_TOPIC: 'SCHEDULE_TOPIC_XXXX',
  TRANS_HALF_TOPIC: 'RMQ_SYS_TRANS_HALF_TOPIC',
  TRANS_OP_HALF_TOPIC: 'RMQ_SYS_TRANS_OP_HALF_TOPIC',
  TRANS_CHECK_MAX_TIME_TOPIC: 'TRANS_CHECK_MAX_TIME_TOPIC',
  SELF_TEST_TOPIC: 'SELF_TEST_TOPIC',
  BENCHMARK_TOPIC: 'BenchmarkTest',
  OFFSET_MOVED_EVENT: 'OFFSET_MOVED_EVENT',
  RMQ_SYS_TRACE_TOPIC: 'RMQ_SYS_TRACE_TOPIC',
} as const;

export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';

/** The longest topic name (TopicValidator.TOPIC_MAX_LENGTH). */
export const TOPIC_NAME_LENGTH_MAX = 127;
const TOPIC_NAME_PATTERN = /^[%|a-zA-Z0-9_-]+$/;

export function retryTopic(group: string): string {
  return RETRY_GROUP_TOPIC_PREFIX + group;
}

export function dlqTopic(group: string): string {
  return DLQ_GROUP_TOPIC_PREFIX + group;
}

export function isRetryTopic(topic: string): boolean {
  return topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

/** Why `topic` is not a valid topic name, or undefined when it is (TopicValidator.validateTopic). */
export function topicNameProblem(topic: string): string | undefined {
  if (topic.length === 0) return 'the topic name is empty';
  if (topic.length > TOPIC_NAME_LENGTH_MAX) return `the topic name is longer than ${TOPIC_NAME_LENGTH_MAX} characters`;
  if (!TOPIC_NAME_PATTERN.test(topic)) return `the topic name "${topic}" has characters outside [%|a-zA-Z0-9_-]`;
  return undefined;
}
