/**
 * connection.ts: the live clients of a group on a broker: ConsumerConnection (the answer of
 * GET_CONSUMER_CONNECTION_LIST 203: connectionSet, subscriptionTable by topic, consumeType,
 * messageModel, consumeFromWhere) and ProducerConnection (GET_PRODUCER_CONNECTION_LIST 204).
 */
import { parseBody } from './fastjson.js';
import { decodeSubscription, type ConsumeType, type MessageModel, type SubscriptionData } from './heartbeat.js';
import { asArray, asInteger, asObject, asString, optional } from './shape.js';

/** One client (Connection.java); clientAddr is its "ip:port" as the broker sees it. */
export interface ClientConnection {
  readonly clientId: string;
  readonly clientAddr: string;
  readonly language: string;
  readonly version: number;
}

export interface ConsumerConnection {
  readonly connectionSet: readonly ClientConnection[];
  readonly subscriptionTable: readonly SubscriptionData[];
  readonly consumeType: ConsumeType | undefined;
  readonly messageModel: MessageModel | undefined;
  readonly consumeFromWhere: string | undefined;
}

export interface ProducerConnection {
  readonly connectionSet: readonly ClientConnection[];
}

function connectionJson(connection: ClientConnection): Record<string, unknown> {
  return { clientAddr: connection.clientAddr, clientId: connection.clientId, language: connection.language, version: connection.version };
}

function decodeConnection(value: unknown, path: string): ClientConnection {
  const object = asObject(value, path);
  return {
    clientId: asString(object['clientId'], `${path}.clientId`),
    clientAddr: optional(object['clientAddr'], '', (v) => asString(v, `${path}.clientAddr`)),
    language: optional(object['language'], 'OTHER', (v) => asString(v, `${path}.language`)),
    version: optional(object['version'], 0, (v) => asInteger(v, `${path}.version`)),
  };
}

function decodeConnectionSet(value: unknown, path: string): ClientConnection[] {
  return optional(value, [], (v) => asArray(v, path).map((item, index) => decodeConnection(item, `${path}[${index}]`)));
}

/** SubscriptionData with fastjson's (alphabetical) key order. */
function subscriptionJson(subscription: SubscriptionData): Record<string, unknown> {
  return {
    classFilterMode: subscription.classFilterMode,
    codeSet: subscription.codeSet,
    expressionType: subscription.expressionType,
    subString: subscription.subString,
    subVersion: subscription.subVersion,
    tagsSet: subscription.tagsSet,
    topic: subscription.topic,
  };
}

export function encodeConsumerConnection(connection: ConsumerConnection): Buffer {
  const json: Record<string, unknown> = { connectionSet: connection.connectionSet.map(connectionJson) };
  if (connection.consumeFromWhere !== undefined) json['consumeFromWhere'] = connection.consumeFromWhere;
  if (connection.consumeType !== undefined) json['consumeType'] = connection.consumeType;
  if (connection.messageModel !== undefined) json['messageModel'] = connection.messageModel;
  json['subscriptionTable'] = Object.fromEntries(connection.subscriptionTable.map((subscription) => [subscription.topic, subscriptionJson(subscription)]));
  return Buffer.from(JSON.stringify(json));
}

/** Throws BodyError. */
export function decodeConsumerConnection(body: Buffer | undefined): ConsumerConnection {
  const root = asObject(parseBody(body, 'consumerConnection'), 'consumerConnection');
  const table = optional(root['subscriptionTable'], {}, (v) => asObject(v, 'consumerConnection.subscriptionTable'));
  return {
    connectionSet: decodeConnectionSet(root['connectionSet'], 'consumerConnection.connectionSet'),
    subscriptionTable: Object.entries(table).map(([topic, value]) => decodeSubscription(value, `consumerConnection.subscriptionTable.${topic}`)),
    consumeType: optional(root['consumeType'], undefined, (v) => asString(v, 'consumerConnection.consumeType') as ConsumeType),
    messageModel: optional(root['messageModel'], undefined, (v) => asString(v, 'consumerConnection.messageModel') as MessageModel),
    consumeFromWhere: optional(root['consumeFromWhere'], undefined, (v) => asString(v, 'consumerConnection.consumeFromWhere')),
  };
}

/** The lowest client version of the group (ConsumerConnection.computeMinVersion). */
export function minConnectionVersion(connection: ConsumerConnection): number {
  return connection.connectionSet.reduce((min, client) => Math.min(min, client.version), 2 ** 31 - 1);
}

export function encodeProducerConnection(connection: ProducerConnection): Buffer {
  return Buffer.from(JSON.stringify({ connectionSet: connection.connectionSet.map(connectionJson) }));
}

/** Throws BodyError. */
export function decodeProducerConnection(body: Buffer | undefined): ProducerConnection {
  const root = asObject(parseBody(body, 'producerConnection'), 'producerConnection');
  return { connectionSet: decodeConnectionSet(root['connectionSet'], 'producerConnection.connectionSet') };
}
