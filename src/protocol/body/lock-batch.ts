/**
 * lock-batch.ts: the bodies of LOCK_BATCH_MQ (41) and UNLOCK_BATCH_MQ (42) (LockBatchRequestBody,
 * LockBatchResponseBody and UnlockBatchRequestBody.java) and the MessageQueue they carry.
 *
 *   request  {"consumerGroup":"G","clientId":"ip@pid","onlyThisBroker":false,
 *             "mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]}
 *   response {"lockOKMQSet":[{"brokerName":"broker-a","queueId":0,"topic":"T"}]}
 *
 * mqSet is a Java Set: duplicates are dropped while decoding. A request names at most
 * LOCK_BATCH_QUEUES_MAX queues, so one request cannot make the broker hold an unbounded table.
 */
import { BodyError } from '../errors.js';
import { parseBody } from './fastjson.js';
import { asArray, asBoolean, asInteger, asObject, asString, optional } from './shape.js';

/** Most queues one lock or unlock request may name. */
export const LOCK_BATCH_QUEUES_MAX = 65_536;

export interface MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

export interface LockBatchRequestBody {
  readonly consumerGroup: string;
  readonly clientId: string;
  readonly onlyThisBroker: boolean;
  readonly mqSet: readonly MessageQueue[];
}

/** UnlockBatchRequestBody has the same fields. */
export type UnlockBatchRequestBody = LockBatchRequestBody;

/** A key equal for equal queues (MessageQueue.equals: topic, brokerName and queueId). */
export function messageQueueKey(queue: MessageQueue): string {
  return JSON.stringify([queue.topic, queue.brokerName, queue.queueId]);
}

function decodeMessageQueue(value: unknown, path: string): MessageQueue {
  const object = asObject(value, path);
  return {
    topic: asString(object['topic'], `${path}.topic`),
    brokerName: asString(object['brokerName'], `${path}.brokerName`),
    queueId: asInteger(object['queueId'], `${path}.queueId`),
  };
}

function decodeQueueSet(value: unknown, path: string): MessageQueue[] {
  const items = optional(value, [], (v) => asArray(v, path));
  if (items.length > LOCK_BATCH_QUEUES_MAX) throw new BodyError(`${path} names ${items.length} queues, more than ${LOCK_BATCH_QUEUES_MAX}`);
  const unique = new Map<string, MessageQueue>();
  items.forEach((item, index) => {
    const queue = decodeMessageQueue(item, `${path}[${index}]`);
    unique.set(messageQueueKey(queue), queue);
  });
  return [...unique.values()];
}

function messageQueueToJson(queue: MessageQueue): Record<string, unknown> {
  return { brokerName: queue.brokerName, queueId: queue.queueId, topic: queue.topic };
}

/** Decodes a LockBatchRequestBody or UnlockBatchRequestBody; `what` names it in errors. */
export function decodeLockBatchRequest(body: Buffer | undefined, what = 'lockBatchRequest'): LockBatchRequestBody {
  const root = asObject(parseBody(body, what), what);
  return {
    consumerGroup: asString(root['consumerGroup'], `${what}.consumerGroup`),
    clientId: asString(root['clientId'], `${what}.clientId`),
    onlyThisBroker: optional(root['onlyThisBroker'], false, (v) => asBoolean(v, `${what}.onlyThisBroker`)),
    mqSet: decodeQueueSet(root['mqSet'], `${what}.mqSet`),
  };
}

export function encodeLockBatchRequest(request: LockBatchRequestBody): Buffer {
  return Buffer.from(
    JSON.stringify({
      clientId: request.clientId,
      consumerGroup: request.consumerGroup,
      mqSet: request.mqSet.map(messageQueueToJson),
      onlyThisBroker: request.onlyThisBroker,
    }),
  );
}

export function encodeLockBatchResponse(lockOKMQSet: readonly MessageQueue[]): Buffer {
  return Buffer.from(JSON.stringify({ lockOKMQSet: lockOKMQSet.map(messageQueueToJson) }));
}

export function decodeLockBatchResponse(body: Buffer | undefined): MessageQueue[] {
  const root = asObject(parseBody(body, 'lockBatchResponse'), 'lockBatchResponse');
  return decodeQueueSet(root['lockOKMQSet'], 'lockBatchResponse.lockOKMQSet');
}
