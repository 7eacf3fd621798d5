/**
 * heartbeat.ts: HeartbeatData, the body of HEART_BEAT (HeartbeatData.java, ConsumerData.java,
 * ProducerData.java, SubscriptionData.java).
 */
import { BodyError } from '../errors.js';
import { parseBody } from './fastjson.js';
import { asArray, asBoolean, asInteger, asObject, asString, optional } from './shape.js';

export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';
export type MessageModel = 'BROADCASTING' | 'CLUSTERING';
export type ConsumeFromWhere = string;

export interface SubscriptionData {
  readonly topic: string;
  readonly subString: string;
  readonly tagsSet: readonly string[];
  readonly codeSet: readonly number[];
  readonly subVersion: number;
  /** "TAG" (default) or "SQL92". */
  readonly expressionType: string;
  readonly classFilterMode: boolean;
}

export interface ConsumerData {
  readonly groupName: string;
  readonly consumeType: ConsumeType;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: ConsumeFromWhere;
  readonly subscriptionDataSet: readonly SubscriptionData[];
  readonly unitMode: boolean;
}

export interface HeartbeatData {
  readonly clientID: string;
  readonly producerDataSet: readonly { readonly groupName: string }[];
  readonly consumerDataSet: readonly ConsumerData[];
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  const text = asString(value, path);
  if (!(allowed as readonly string[]).includes(text)) throw new BodyError(`${path} is not one of ${allowed.join(', ')}`);
  return text as T;
}

export function decodeSubscription(value: unknown, path: string): SubscriptionData {
  const object = asObject(value, path);
  return {
    topic: asString(object['topic'], `${path}.topic`),
    subString: optional(object['subString'], '*', (v) => asString(v, `${path}.subString`)),
    tagsSet: optional(object['tagsSet'], [], (v) => asArray(v, `${path}.tagsSet`).map((t, i) => asString(t, `${path}.tagsSet[${i}]`))),
    codeSet: optional(object['codeSet'], [], (v) => asArray(v, `${path}.codeSet`).map((c, i) => asInteger(c, `${path}.codeSet[${i}]`))),
    subVersion: optional(object['subVersion'], 0, (v) => asInteger(v, `${path}.subVersion`)),
    expressionType: optional(object['expressionType'], 'TAG', (v) => asString(v, `${path}.expressionType`)),
    classFilterMode: optional(object['classFilterMode'], false, (v) => asBoolean(v, `${path}.classFilterMode`)),
  };
}

function decodeConsumerData(value: unknown, path: string): ConsumerData {
  const object = asObject(value, path);
  return {
    groupName: asString(object['groupName'], `${path}.groupName`),
    consumeType: optional(object['consumeType'], 'CONSUME_PASSIVELY', (v) =>
      oneOf(v, `${path}.consumeType`, ['CONSUME_ACTIVELY', 'CONSUME_PASSIVELY', 'CONSUME_POP'] as const),
    ),
    messageModel: optional(object['messageModel'], 'CLUSTERING', (v) =>
      oneOf(v, `${path}.messageModel`, ['BROADCASTING', 'CLUSTERING'] as const),
    ),
    consumeFromWhere: optional(object['consumeFromWhere'], 'CONSUME_FROM_LAST_OFFSET', (v) => asString(v, `${path}.consumeFromWhere`)),
    subscriptionDataSet: optional(object['subscriptionDataSet'], [], (v) =>
      asArray(v, `${path}.subscriptionDataSet`).map((s, i) => decodeSubscription(s, `${path}.subscriptionDataSet[${i}]`)),
    ),
    unitMode: optional(object['unitMode'], false, (v) => asBoolean(v, `${path}.unitMode`)),
  };
}

export function decodeHeartbeatData(body: Buffer | undefined): HeartbeatData {
  const root = asObject(parseBody(body, 'heartbeat'), 'heartbeat');
  return {
    clientID: asString(root['clientID'], 'heartbeat.clientID'),
    producerDataSet: optional(root['producerDataSet'], [], (v) =>
      asArray(v, 'heartbeat.producerDataSet').map((p, i) => ({
        groupName: asString(asObject(p, `heartbeat.producerDataSet[${i}]`)['groupName'], `heartbeat.producerDataSet[${i}].groupName`),
      })),
    ),
    consumerDataSet: optional(root['consumerDataSet'], [], (v) =>
      asArray(v, 'heartbeat.consumerDataSet').map((c, i) => decodeConsumerData(c, `heartbeat.consumerDataSet[${i}]`)),
    ),
  };
}

export function encodeHeartbeatData(data: HeartbeatData): Buffer {
  return Buffer.from(JSON.stringify(data));
}
