/**
 * check-client.ts: CheckClientRequestBody, the body of CHECK_CLIENT_CONFIG (46): a Java consumer
 * asks each broker, before it starts, whether the broker takes its subscription (an SQL92
 * expression needs enablePropertyFilter and must compile).
 */
import { parseBody } from './fastjson.js';
import { decodeSubscription, type SubscriptionData } from './heartbeat.js';
import { asObject, asString, optional } from './shape.js';

export interface CheckClientRequestBody {
  readonly clientId: string;
  readonly group: string;
  readonly subscriptionData: SubscriptionData | undefined;
  readonly namespace: string | undefined;
}

export function decodeCheckClientRequestBody(body: Buffer | undefined): CheckClientRequestBody {
  const root = asObject(parseBody(body, 'CheckClientRequestBody'), 'CheckClientRequestBody');
  return {
    clientId: optional(root['clientId'], '', (v) => asString(v, 'CheckClientRequestBody.clientId')),
    group: optional(root['group'], '', (v) => asString(v, 'CheckClientRequestBody.group')),
    subscriptionData: optional<SubscriptionData | undefined>(root['subscriptionData'], undefined, (v) => decodeSubscription(v, 'CheckClientRequestBody.subscriptionData')),
    namespace: optional<string | undefined>(root['namespace'], undefined, (v) => asString(v, 'CheckClientRequestBody.namespace')),
  };
}
