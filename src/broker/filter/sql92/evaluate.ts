/**
 * evaluate.ts: an SQL92 expression tree over one message's properties, with RocketMQ's
 * three-valued logic (ComparisonExpression, LogicExpression, UnaryExpression, UnaryInExpression):
 * - a missing property is NULL; a comparison with NULL is NULL (unknown), except that
 *   `x = NULL`-style equality is TRUE for two NULLs and FALSE for a value against NULL (IS NULL);
 * - AND is FALSE if either side is FALSE, else NULL if either is NULL; OR is TRUE if either is
 *   TRUE, else NULL if either is NULL; NOT NULL is NULL; both short-circuit left to right;
 * - IN / NOT IN of a missing property is NULL; CONTAINS / STARTSWITH / ENDSWITH (and their NOT
 *   forms) are FALSE for a missing or non-string value and for an empty search string;
 * - >, >=, <, <= between two strings compare them as doubles (else the evaluation fails);
 * - a property read as a boolean is FALSE (properties are strings), NULL when missing;
 * - negation of a non-number is NULL.
 * A message matches only when the whole expression is TRUE. A Java exception (a string that is not
 * a number where one is needed) is an EvaluationError: the message does not match.
 */
import type { Node } from './ast.js';
import { doubleValue, EvaluationError, intValue, javaCompare, javaEquals, longValue, parseJavaDouble, type JavaNumber, type Value } from './values.js';

export type PropertyLookup = (name: string) => string | undefined;

function asBoolean(value: Value, node: Node): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  // The builder only puts boolean expressions under AND, OR and NOT: this is a bug.
  throw new Error(`SQL92 node ${node.kind} at ${node.at} did not evaluate to a boolean`);
}

function negate(value: JavaNumber): JavaNumber {
  if (value.type === 'long') return longValue(value.value === -(2n ** 63n) ? value.value : -value.value);
  if (value.type === 'int') return value.value === -(2 ** 31) ? value : intValue(-value.value);
  return doubleValue(-value.value);
}

function compare(node: Extract<Node, { kind: 'compare' }>, properties: PropertyLookup): boolean | null {
  const left = evaluate(node.left, properties);
  if (left === null) return null;
  const right = evaluate(node.right, properties);
  if (right === null) return null;
  let order: number;
  if (typeof left === 'string' && typeof right === 'string') {
    const l = parseJavaDouble(left);
    const r = parseJavaDouble(right);
    if (l === undefined || r === undefined) {
      throw new EvaluationError(`It's illegal to compare string by '>=', '>', '<', '<='. lv=${left}, rv=${right}`);
    }
    order = javaCompare(doubleValue(l), doubleValue(r));
  } else {
    order = javaCompare(left, right);
  }
  switch (node.operator) {
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

function equal(node: Extract<Node, { kind: 'equal' }>, properties: PropertyLookup): boolean | null {
  const left = evaluate(node.left, properties);
  const right = evaluate(node.right, properties);
  if (left === null || right === null) return left === null ? (right === null ? true : null) : false;
  return javaEquals(left, right) || javaCompare(left, right) === 0;
}

function match(node: Extract<Node, { kind: 'match' }>, properties: PropertyLookup): boolean {
  if (node.search.length === 0) return false;
  const value = evaluate(node.operand, properties);
  if (typeof value !== 'string') return false;
  const found = node.operator === 'CONTAINS' ? value.includes(node.search) : node.operator === 'STARTSWITH' ? value.startsWith(node.search) : value.endsWith(node.search);
  return found !== node.negated;
}

function logic(node: Extract<Node, { kind: 'and' | 'or' }>, properties: PropertyLookup): boolean | null {
  const decisive = node.kind === 'or';
  const left = asBoolean(evaluate(node.left, properties), node.left);
  if (left === decisive) return decisive;
  const right = asBoolean(evaluate(node.right, properties), node.right);
  if (right === decisive) return decisive;
  return left === null || right === null ? null : !decisive;
}

/** The value of `node` for a message whose properties `properties` reads. */
export function evaluate(node: Node, properties: PropertyLookup): Value {
  switch (node.kind) {
    case 'constant':
      return node.value;
    case 'property':
      return properties(node.name) ?? null;
    case 'booleanCast': {
      const value = evaluate(node.operand, properties);
      return value === null ? null : typeof value === 'boolean' ? value : false;
    }
    case 'not': {
      const value = asBoolean(evaluate(node.operand, properties), node.operand);
      return value === null ? null : !value;
    }
    case 'negate': {
      const value = evaluate(node.operand, properties);
      return value !== null && typeof value === 'object' ? negate(value) : null;
    }
    case 'and':
    case 'or':
      return logic(node, properties);
    case 'equal':
      return equal(node, properties);
    case 'compare':
      return compare(node, properties);
    case 'in': {
      const value = properties(node.property);
      return value === undefined ? null : node.values.has(value) !== node.negated;
    }
    case 'match':
      return match(node, properties);
  }
}

/** True only when the expression is TRUE for these properties; an EvaluationError counts as no match. */
export function matches(node: Node, properties: PropertyLookup): boolean {
  try {
    return evaluate(node, properties) === true;
  } catch (error) {
    if (error instanceof EvaluationError) return false;
    throw error;
  }
}
