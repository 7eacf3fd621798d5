/**
 * create-topic-list.ts: CreateTopicListRequestBody (the body of UPDATE_AND_CREATE_TOPIC_LIST 18):
 * {"topicConfigList":[{TopicConfig},...]}.
 */
import { parseBody } from './fastjson.js';
import { asArray, asObject } from './shape.js';
import { decodeTopicConfig, topicConfigToJson, type TopicConfig } from './topic-config.js';

export function encodeCreateTopicList(configs: readonly TopicConfig[]): Buffer {
  return Buffer.from(JSON.stringify({ topicConfigList: configs.map(topicConfigToJson) }));
}

/** Throws BodyError naming the first bad entry. */
export function decodeCreateTopicList(body: Buffer | undefined): TopicConfig[] {
  const root = asObject(parseBody(body, 'topic config list'), 'createTopicList');
  return asArray(root['topicConfigList'], 'createTopicList.topicConfigList').map((item, index) => decodeTopicConfig(item, `topicConfigList[${index}]`));
}

/** What `new TopicConfig()` holds for fields a file leaves out (TopicConfig.java: 16 queues, RW). */
const FILE_DEFAULTS = { readQueueNums: 16, writeQueueNums: 16, perm: 6 } as const;

/** A JSON array of TopicConfig (the file updateTopicList -f reads), Java's defaults for missing fields. Throws BodyError. */
export function decodeTopicConfigArray(text: string): TopicConfig[] {
  return asArray(parseBody(Buffer.from(text), 'topic config list'), 'topicConfigList').map((item, index) => {
    const path = `topicConfigList[${index}]`;
    return decodeTopicConfig({ ...FILE_DEFAULTS, ...asObject(item, path) }, path);
  });
}
