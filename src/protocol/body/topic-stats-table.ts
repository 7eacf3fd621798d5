/**
 * topic-stats-table.ts: TopicStatsTable (the answer of GET_TOPIC_STATS_INFO 202): per queue of a
 * topic on one broker its min and max offset and the store time of its last message, plus the
 * topic's put TPS, as fastjson writes it: the offsetTable is keyed by MessageQueue objects,
 * {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"lastUpdateTimestamp":..,
 * "maxOffset":..,"minOffset":..}},"topicPutTps":0.0}.
 */
import { BodyError } from '../errors.js';
import { fastJsonTreeField, isFastJsonTreeObject, parseFastJsonTree, type QueueKey } from './message-queue-map.js';
import { asInteger, asObject, optional } from './shape.js';
import { decodeQueueMapTree, encodeQueueMapText, javaDoubleJson, sortedJson, treeToJson } from './tree-shape.js';

export interface TopicOffset {
  readonly minOffset: number;
  readonly maxOffset: number;
  /** Store time of the queue's last message; 0 when the queue is empty. */
  readonly lastUpdateTimestamp: number;
}

export interface TopicStatsTable {
  readonly offsetTable: readonly { readonly queue: QueueKey; readonly offset: TopicOffset }[];
  readonly topicPutTps: number;
}

export function encodeTopicStatsTable(table: TopicStatsTable): Buffer {
  const offsets = encodeQueueMapText(table.offsetTable.map(({ queue, offset }) => ({ queue, json: sortedJson({ ...offset }) })));
  return Buffer.from(`{"offsetTable":${offsets},"topicPutTps":${javaDoubleJson(table.topicPutTps)}}`);
}

function decodeTopicOffset(value: unknown, path: string): TopicOffset {
  const object = asObject(value, path);
  const long = (name: string): number => optional(object[name], 0, (v) => asInteger(v, `${path}.${name}`));
  return { minOffset: long('minOffset'), maxOffset: long('maxOffset'), lastUpdateTimestamp: long('lastUpdateTimestamp') };
}

/** Throws BodyError. */
export function decodeTopicStatsTable(body: Buffer | undefined): TopicStatsTable {
  const root = parseFastJsonTree(body, 'topicStatsTable');
  if (!isFastJsonTreeObject(root)) throw new BodyError('topicStatsTable is not an object');
  const tps = treeToJson(fastJsonTreeField(root, 'topicPutTps'), 'topicStatsTable.topicPutTps');
  const topicPutTps = tps === undefined || tps === null ? 0 : Number(tps);
  if (!Number.isFinite(topicPutTps)) throw new BodyError('topicStatsTable.topicPutTps is not a number');
  return {
    offsetTable: decodeQueueMapTree(fastJsonTreeField(root, 'offsetTable'), 'topicStatsTable.offsetTable', decodeTopicOffset).map(({ queue, value }) => ({ queue, offset: value })),
    topicPutTps,
  };
}
