/**
 * tag-filter.ts: tag subscriptions (FilterAPI.buildSubscriptionData, ExpressionMessageFilter).
 * "TagA || TagB" matches ConsumeQueue entries whose tag hash is one of the tags' Java hash codes;
 * "*" (or an empty expression) matches everything, messages without a tag included.
 */
import { javaStringHashCode } from '../../message/index.js';
import type { MessageFilter } from '../../store/index.js';

export const SUB_ALL = '*';

export interface TagSubscription {
  readonly subString: string;
  readonly tagsSet: readonly string[];
  readonly codeSet: ReadonlySet<number>;
}

/** Parses a tag expression as Java does: split on "||", trim, drop empty pieces. */
export function parseTagExpression(expression: string | undefined): TagSubscription {
  const text = expression?.trim() ?? '';
  if (text.length === 0 || text === SUB_ALL) return { subString: SUB_ALL, tagsSet: [], codeSet: new Set() };
  const tagsSet = text
    .split('||')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
  return { subString: text, tagsSet, codeSet: new Set(tagsSet.map(javaStringHashCode)) };
}

/** A store filter for a tag subscription. */
export function tagFilter(subscription: { readonly subString: string; readonly codeSet: Iterable<number> }): MessageFilter {
  if (subscription.subString.trim() === SUB_ALL || subscription.subString.trim() === '') {
    return { isMatchedByConsumeQueue: () => true };
  }
  const codes = new Set(subscription.codeSet);
  return { isMatchedByConsumeQueue: (tagsCode) => codes.has(tagsCode) };
}
