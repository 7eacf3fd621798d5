/**
 * simple.ts: the small JSON bodies: TopicList (206, 224, 21's names), KVTable (219, 28),
 * ConsumerListByGroupResponseBody (38).
 */
import { parseBody } from './fastjson.js';
import { asArray, asObject, asString, asStringMap, optional } from './shape.js';

export interface TopicList {
  readonly topicList: readonly string[];
  readonly brokerAddr?: string | undefined;
}

export function encodeTopicList(list: TopicList): Buffer {
  const json: Record<string, unknown> = {};
  if (list.brokerAddr !== undefined) json['brokerAddr'] = list.brokerAddr;
  json['topicList'] = list.topicList;
  return Buffer.from(JSON.stringify(json));
}

export function decodeTopicList(body: Buffer | undefined): TopicList {
  const root = asObject(parseBody(body, 'topic list'), 'topicList');
  return {
    topicList: asArray(root['topicList'], 'topicList.topicList').map((item, index) => asString(item, `topicList[${index}]`)),
    brokerAddr: optional(root['brokerAddr'], undefined, (v) => asString(v, 'topicList.brokerAddr')),
  };
}

export function encodeKVTable(table: Readonly<Record<string, string>>): Buffer {
  return Buffer.from(JSON.stringify({ table }));
}

export function decodeKVTable(body: Buffer | undefined): Record<string, string> {
  const root = asObject(parseBody(body, 'KV table'), 'kvTable');
  return optional(root['table'], {}, (v) => asStringMap(v, 'kvTable.table'));
}

export function encodeConsumerIdList(consumerIdList: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify({ consumerIdList }));
}

export function decodeConsumerIdList(body: Buffer | undefined): string[] {
  const root = asObject(parseBody(body, 'consumer list'), 'consumerList');
  return asArray(root['consumerIdList'], 'consumerIdList').map((item, index) => asString(item, `consumerIdList[${index}]`));
}
