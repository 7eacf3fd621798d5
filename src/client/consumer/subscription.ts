/**
 * subscription.ts: a subscription expression as RocketMQ's FilterAPI.buildSubscriptionData turns it
 * into SubscriptionData: "*" (or empty) is everything; "TagA || TagB" is a set of tags, each with its
 * Java String.hashCode() in codeSet (what the broker compares with a ConsumeQueue's tagsCode); an
 * SQL92 expression is passed through for the broker to evaluate. subVersion is the time of the
 * subscription; a newer one replaces an older one on the broker.
 */
import { javaStringHashCode } from '../../message/index.js';
import type { SubscriptionData } from '../../protocol/index.js';
import { illegalArgument } from '../errors.js';

export const SUB_ALL = '*';

export type ExpressionType = 'TAG' | 'SQL92';

/** What subscribe() accepts: a tag expression, or an explicit type. */
export type SubscriptionExpression = string | { readonly type: ExpressionType; readonly expression: string };

export function buildSubscriptionData(topic: string, expression: SubscriptionExpression, subVersion = Date.now()): SubscriptionData {
  const type: ExpressionType = typeof expression === 'string' ? 'TAG' : expression.type;
  const text = typeof expression === 'string' ? expression : expression.expression;
  if (type !== 'TAG' && type !== 'SQL92') throw illegalArgument(`expression type ${String(type)} is not TAG or SQL92`);
  if (typeof text !== 'string') throw illegalArgument('the subscription expression is not a string');
  if (type === 'SQL92') {
    if (text.trim().length === 0) throw illegalArgument('an SQL92 subscription needs an expression');
    return { topic, subString: text, tagsSet: [], codeSet: [], subVersion, expressionType: 'SQL92', classFilterMode: false };
  }
  if (text.length === 0 || text === SUB_ALL) {
    return { topic, subString: SUB_ALL, tagsSet: [], codeSet: [], subVersion, expressionType: 'TAG', classFilterMode: false };
  }
  const tags = [...new Set(text.split('||').map((tag) => tag.trim()).filter((tag) => tag.length > 0))];
  if (tags.length === 0) throw illegalArgument(`subString split error: "${text}" names no tag`);
  return { topic, subString: text, tagsSet: tags, codeSet: tags.map(javaStringHashCode), subVersion, expressionType: 'TAG', classFilterMode: false };
}

/** The client-side filter of PullAPIWrapper.processPullResult: tag subscriptions keep only their tags. */
export function matchesTags(subscription: SubscriptionData, tags: string | undefined): boolean {
  if (!filtersTags(subscription)) return true;
  return tags !== undefined && subscription.tagsSet.includes(tags);
}

/** Whether matchesTags looks at the tags at all (a tag subscription other than `*`). */
export function filtersTags(subscription: SubscriptionData): boolean {
  return subscription.tagsSet.length > 0 && subscription.expressionType === 'TAG' && !subscription.classFilterMode;
}
