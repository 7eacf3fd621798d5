/**
 * values.ts: the values an SQL92 filter computes with, and how RocketMQ compares them
 * (ComparisonExpression.__compare with convertStringExpressions on, as SelectorParser.parse sets it).
 *
 * A value is NULL (a missing property), a boolean, a string (every message property is one) or a
 * Java number: int (a decimal literal that fits 32 bits), long (a larger one, or an "l" suffix)
 * or double (a floating literal). Values of different types are converted before comparing:
 * int → long → double upwards; a string is parsed as the number type it meets (Integer.valueOf,
 * Long.valueOf, Double.valueOf) or as a boolean (Boolean.valueOf), and a string that does not
 * parse makes the evaluation fail. Other mixes (a number against a boolean) compare as "less".
 * Java's cast failure for a boolean on the left of a string is kept: it fails the evaluation too.
 */

export type JavaNumber =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'long'; readonly value: bigint }
  | { readonly type: 'double'; readonly value: number };

export type Value = null | boolean | string | JavaNumber;

/** A Java exception while evaluating: the message is not matched (ExpressionMessageFilter logs it). */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const INTEGER_TEXT = /^[+-]?\d+$/;
const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;

export function intValue(value: number): JavaNumber {
  return { type: 'int', value };
}

export function longValue(value: bigint): JavaNumber {
  return { type: 'long', value };
}

export function doubleValue(value: number): JavaNumber {
  return { type: 'double', value };
}

/** Long.valueOf: undefined when the text is not a long. */
export function parseJavaLong(text: string): bigint | undefined {
  if (!INTEGER_TEXT.test(text)) return undefined;
  const value = BigInt(text);
  return value < LONG_MIN || value > LONG_MAX ? undefined : value;
}

function parseInt32(text: string): JavaNumber {
  const value = INTEGER_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < INT_MIN || value > INT_MAX) throw new EvaluationError(`For input string: "${text}" (not an int)`);
  return intValue(value);
}

function parseInt64(text: string): JavaNumber {
  const value = parseJavaLong(text);
  if (value === undefined) throw new EvaluationError(`For input string: "${text}" (not a long)`);
  return longValue(value);
}

/** Double.valueOf: Java trims control characters and spaces and accepts a d/f suffix. */
export function parseJavaDouble(text: string): number | undefined {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) <= 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) <= 0x20) end--;
  const trimmed = text.slice(start, end);
  if (!DOUBLE_TEXT.test(trimmed)) return undefined;
  return Number(/[fFdD]$/.test(trimmed) ? trimmed.slice(0, -1) : trimmed);
}

function parseDouble(text: string): JavaNumber {
  const value = parseJavaDouble(text);
  if (value === undefined) throw new EvaluationError(`For input string: "${text}" (not a double)`);
  return doubleValue(value);
}

type TypeName = 'boolean' | 'string' | JavaNumber['type'];

function typeOf(value: NonNullable<Value>): TypeName {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return value.type;
}

function toDouble(value: JavaNumber): JavaNumber {
  return value.type === 'double' ? value : doubleValue(Number(value.value));
}

function toLong(value: JavaNumber): JavaNumber {
  return value.type === 'int' ? longValue(BigInt(value.value)) : value;
}

/** Converts one side so both have one type; a number (<0) when Java answers without comparing. */
function unify(left: NonNullable<Value>, right: NonNullable<Value>): [NonNullable<Value>, NonNullable<Value>] | number {
  const leftType = typeOf(left);
  const rightType = typeOf(right);
  if (leftType === rightType) return [left, right];
  if (typeof left === 'boolean') {
    if (rightType === 'string') throw new EvaluationError('java.lang.ClassCastException: Boolean cannot be cast to String');
    return -1;
  }
  if (typeof left === 'string') {
    if (typeof right === 'boolean') return [left.toLowerCase() === 'true', right];
    // Types differ, so `right` is a number here.
    const number = right as JavaNumber;
    return [number.type === 'int' ? parseInt32(left) : number.type === 'long' ? parseInt64(left) : parseDouble(left), number];
  }
  if (typeof right === 'boolean') return -1;
  if (typeof right === 'string') return [left, left.type === 'int' ? parseInt32(right) : left.type === 'long' ? parseInt64(right) : parseDouble(right)];
  if (left.type === 'double' || right.type === 'double') return [toDouble(left), toDouble(right)];
  return [toLong(left), toLong(right)];
}

/** Double.compare: NaN above everything, -0.0 below 0.0. */
function compareDoubles(left: number, right: number): number {
  if (left < right) return -1;
  if (left > right) return 1;
  const leftNaN = Number.isNaN(left);
  const rightNaN = Number.isNaN(right);
  if (leftNaN || rightNaN) return leftNaN === rightNaN ? 0 : leftNaN ? 1 : -1;
  if (left === 0 && right === 0) return Object.is(left, right) ? 0 : Object.is(left, -0) ? -1 : 1;
  return 0;
}

function compareSameType(left: NonNullable<Value>, right: NonNullable<Value>): number {
  if (typeof left === 'boolean') return left === right ? 0 : left ? 1 : -1;
  if (typeof left === 'string') return left === right ? 0 : left < (right as string) ? -1 : 1;
  const other = right as JavaNumber;
  if (left.type === 'long') {
    const b = other.value as bigint;
    return left.value === b ? 0 : left.value < b ? -1 : 1;
  }
  return compareDoubles(left.value, other.value as number);
}

/** __compare(left, right, true): negative, zero or positive; throws EvaluationError as Java throws. */
export function javaCompare(left: NonNullable<Value>, right: NonNullable<Value>): number {
  const unified = unify(left, right);
  if (typeof unified === 'number') return unified;
  return compareSameType(unified[0], unified[1]);
}

/** Object.equals of the boxed values: same class and same value (Double.equals: NaN equals NaN). */
export function javaEquals(left: NonNullable<Value>, right: NonNullable<Value>): boolean {
  if (typeof left !== 'object' || typeof right !== 'object') return left === right;
  if (left.type !== right.type) return false;
  return left.type === 'double' ? Object.is(left.value, right.value) : left.value === right.value;
}

/** How a value reads in an error message, as Java's toString of the constant. */
export function describeValue(value: Value): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  return String(value.value);
}
