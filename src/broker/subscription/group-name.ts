/**
 * group-name.ts: the rule a consumer group name must follow (TopicValidator.validateGroup), with
 * Java's remarks, for the requests that create groups.
 */

/** The longest group name (TopicValidator.GROUP_MAX_LENGTH). */
export const GROUP_NAME_LENGTH_MAX = 255;
const GROUP_NAME_PATTERN = /^[%|a-zA-Z0-9_-]+$/;

/** Java's remark when `group` is not a valid group name; undefined when it is. */
export function groupNameProblem(group: string): string | undefined {
  if (group.trim().length === 0) return 'The specified group is blank.';
  if (!GROUP_NAME_PATTERN.test(group)) return `The specified group: ${group}, contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
  if (group.length > GROUP_NAME_LENGTH_MAX) return `The specified group: ${group}, is longer than group max length: ${GROUP_NAME_LENGTH_MAX}`;
  return undefined;
}
