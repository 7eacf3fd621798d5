/**
 * sql92-filter.ts: SQL92 subscriptions on the broker (ExpressionMessageFilter, ConsumerFilterManager,
 * FilterAPI): the expression of a subscription whose expressionType is SQL92 is compiled once per
 * group, topic and subVersion (a bounded cache, parse failures included), and pulls keep only the
 * messages whose properties make it TRUE. The ConsumeQueue check lets every entry through (there
 * is no bloom filter); the stored record's properties decide (isMatchedByCommitLog), so only
 * matching messages leave the broker.
 *
 * Refusals, in this order: enablePropertyFilter off → SYSTEM_ERROR with Java's remark; a type other
 * than TAG or SQL92, or an expression that does not compile → SUBSCRIPTION_PARSE_FAILED (23) with a
 * remark saying what is wrong and where.
 * Must not: evaluate anything for tag subscriptions (tag-filter.ts does those).
 */
import { decodeProperties } from '../../message/index.js';
import { ResponseCode } from '../../protocol/index.js';
import type { MessageFilter } from '../../store/index.js';
import { BrokerError } from '../errors.js';
import { compileSql92, Sql92Error, type Sql92Expression } from './sql92/index.js';

export const ExpressionType = { TAG: 'TAG', SQL92: 'SQL92' } as const;

/** Compiled expressions kept at most (one per group and topic). */
export const SQL92_CACHE_ENTRIES_MAX = 10_000;
/** Characters of an expression quoted in a remark. */
const REMARK_EXPRESSION_CHARS_MAX = 200;

/** ExpressionType.isTagType: absent, empty and TAG are tag expressions. */
export function isTagType(type: string | undefined): boolean {
  return type === undefined || type === '' || type === ExpressionType.TAG;
}

type Compiled = { readonly ok: true; readonly expression: Sql92Expression } | { readonly ok: false; readonly reason: string };

interface Entry {
  readonly subVersion: number;
  readonly expression: string;
  readonly compiled: Compiled;
}

function tryCompile(expression: string): Compiled {
  try {
    return { ok: true, expression: compileSql92(expression) };
  } catch (error) {
    if (error instanceof Sql92Error) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Compiled SQL92 expressions by group and topic; the least recently used goes first when full. */
export class Sql92FilterCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = SQL92_CACHE_ENTRIES_MAX) {}

  get size(): number {
    return this.entries.size;
  }

  /** The compiled expression, or why it does not compile; compiles only what the cache lacks. */
  compile(group: string, topic: string, subVersion: number, expression: string): Compiled {
    const key = `${group}\u0001${topic}`;
    const cached = this.entries.get(key);
    if (cached !== undefined) {
      this.entries.delete(key);
      if (cached.subVersion === subVersion && cached.expression === expression) {
        this.entries.set(key, cached);
        return cached.compiled;
      }
    }
    const entry: Entry = { subVersion, expression, compiled: tryCompile(expression) };
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
    return entry.compiled;
  }
}

/** A store filter that keeps the records whose properties match `expression`. */
export function sql92Filter(expression: Sql92Expression): MessageFilter {
  return {
    isMatchedByConsumeQueue: () => true,
    isMatchedByCommitLog(record) {
      const properties = decodeProperties(record.properties);
      return expression.matches((name) => properties.get(name));
    },
  };
}

export interface ExpressionSubscription {
  readonly group: string;
  readonly topic: string;
  readonly expressionType: string;
  readonly expression: string;
  readonly subVersion: number;
}

/** The filter of a subscription that is not a tag expression; throws BrokerError as described above. */
export function expressionFilter(cache: Sql92FilterCache, enablePropertyFilter: boolean, subscription: ExpressionSubscription): MessageFilter {
  const { expressionType: type } = subscription;
  if (!enablePropertyFilter) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `The broker does not support consumer to filter message by ${type}`);
  if (type !== ExpressionType.SQL92) {
    throw new BrokerError(ResponseCode.SUBSCRIPTION_PARSE_FAILED, `parse the consumer's subscription failed: the expression type ${type} is not supported (TAG or SQL92)`);
  }
  const compiled = cache.compile(subscription.group, subscription.topic, subscription.subVersion, subscription.expression);
  if (!compiled.ok) {
    const text = subscription.expression;
    const quoted = text.length > REMARK_EXPRESSION_CHARS_MAX ? `${text.slice(0, REMARK_EXPRESSION_CHARS_MAX)}...` : text;
    throw new BrokerError(ResponseCode.SUBSCRIPTION_PARSE_FAILED, `parse the consumer's subscription [${quoted}] failed ${compiled.reason}`);
  }
  return sql92Filter(compiled.expression);
}
