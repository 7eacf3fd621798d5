/**
 * group-list.ts: GroupList (GroupList.java), the answer of QUERY_TOPIC_CONSUME_BY_WHO (300):
 * {"groupList":["g1","g2"]}.
 */
import { parseBody } from './fastjson.js';
import { asArray, asObject, asString, optional } from './shape.js';

export function encodeGroupList(groups: Iterable<string>): Buffer {
  return Buffer.from(JSON.stringify({ groupList: [...groups] }));
}

export function decodeGroupList(body: Buffer | undefined): string[] {
  const root = asObject(parseBody(body, 'group list'), 'groupList');
  return optional(root['groupList'], [], (value) => asArray(value, 'groupList.groupList')).map((item, index) => asString(item, `groupList[${index}]`));
}
