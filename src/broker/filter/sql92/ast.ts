/**
 * ast.ts: the expression tree of an SQL92 filter, and the checks RocketMQ makes while building it
 * (ComparisonExpression.create*, LogicExpression, UnaryExpression, SelectorParser.asBooleanExpression):
 * - >, >=, <, <= (and BETWEEN) take numbers, properties or negations, never a string, boolean or
 *   NULL literal or a boolean expression;
 * - = and <> refuse a NULL literal, and a TRUE/FALSE literal on the left of a non-boolean literal;
 * - BETWEEN of two literals needs low <= high; IN needs a property on its left;
 * - AND, OR, NOT and the whole expression need a boolean expression; a property there is read
 *   as a boolean (BooleanCast: a property is never a boolean, so it is FALSE, or NULL if missing).
 * IS NULL is an equality with NULL; IS NOT NULL, <> and NOT IN are negations; BETWEEN is two
 * comparisons joined by AND, NOT BETWEEN two joined by OR, each as Java builds them.
 *
 * Every node keeps `depth`: the builder refuses a tree deeper than TREE_DEPTH_MAX, so evaluation
 * (recursive) stays far from the stack limit. Must not: evaluate anything but literal checks.
 */
import { Sql92Error } from './sql92-error.js';
import { describeValue, EvaluationError, javaCompare, type Value } from './values.js';

/** Deepest expression tree accepted; a long chain of ORs counts one level per OR. */
export const TREE_DEPTH_MAX = 1000;

export type ComparisonOperator = '>' | '>=' | '<' | '<=';
export type MatchOperator = 'CONTAINS' | 'STARTSWITH' | 'ENDSWITH';

interface Base {
  /** Offset of the node's first character in the expression. */
  readonly at: number;
  /** Offset just past the node's last character. */
  readonly end: number;
  readonly depth: number;
}

export type Node = Base &
  (
    | { readonly kind: 'constant'; readonly value: Value; /** TRUE, FALSE and NULL are boolean expressions. */ readonly booleanLiteral: boolean }
    | { readonly kind: 'property'; readonly name: string }
    | { readonly kind: 'booleanCast' | 'not' | 'negate'; readonly operand: Node }
    | { readonly kind: 'and'; readonly left: Node; readonly right: Node }
    | { readonly kind: 'or'; readonly left: Node; readonly right: Node }
    | { readonly kind: 'equal'; readonly left: Node; readonly right: Node }
    | { readonly kind: 'compare'; readonly operator: ComparisonOperator; readonly left: Node; readonly right: Node }
    | { readonly kind: 'in'; readonly property: string; readonly values: ReadonlySet<string>; readonly negated: boolean }
    | { readonly kind: 'match'; readonly operator: MatchOperator; readonly operand: Node; readonly search: string; readonly negated: boolean }
  );

type FieldsOf<N> = N extends Node ? Omit<N, 'at' | 'end' | 'depth'> : never;
/** A node without its position and depth, which the builder adds. */
type NodeFields = FieldsOf<Node>;

/** Java's BooleanExpression: what AND, OR, NOT and the whole selector accept as is. */
export function isBooleanExpression(node: Node): boolean {
  return node.kind === 'constant' ? node.booleanLiteral : node.kind !== 'property' && node.kind !== 'negate';
}

/** Builds nodes over one expression's text; every refusal is a Sql92Error at the operator. */
export class TreeBuilder {
  constructor(private readonly source: string) {}

  private error(reason: string, at: number): Sql92Error {
    return new Sql92Error(reason, at, this.source);
  }

  /** A node over the source from `at` to `end`, one level above its children. */
  private node(fields: NodeFields, at: number, end: number, children: readonly Node[]): Node {
    const depth = 1 + Math.max(0, ...children.map((child) => child.depth));
    if (depth > TREE_DEPTH_MAX) throw this.error(`the expression is nested deeper than ${TREE_DEPTH_MAX} levels`, at);
    return { ...fields, at, end, depth } as Node;
  }

  /** The source text of a node, for error messages. */
  private text(node: Node): string {
    return this.source.slice(node.at, node.end);
  }

  constant(value: Value, booleanLiteral: boolean, at: number, end: number): Node {
    return this.node({ kind: 'constant', value, booleanLiteral }, at, end, []);
  }

  property(name: string, at: number): Node {
    return this.node({ kind: 'property', name }, at, at + name.length, []);
  }

  /** SelectorParser.asBooleanExpression. */
  asBoolean(node: Node): Node {
    if (isBooleanExpression(node)) return node;
    if (node.kind === 'property') return this.node({ kind: 'booleanCast', operand: node }, node.at, node.end, [node]);
    throw this.error(`Expression will not result in a boolean value: ${this.text(node)}`, node.at);
  }

  logic(kind: 'and' | 'or', left: Node, right: Node): Node {
    const l = this.asBoolean(left);
    const r = this.asBoolean(right);
    return this.node({ kind, left: l, right: r }, l.at, r.end, [l, r]);
  }

  not(operand: Node, at: number): Node {
    const inner = this.asBoolean(operand);
    return this.node({ kind: 'not', operand: inner }, at, inner.end, [inner]);
  }

  negate(operand: Node, at: number): Node {
    return this.node({ kind: 'negate', operand }, at, operand.end, [operand]);
  }

  /** ComparisonExpression.checkLessThanOperand. */
  private checkComparable(operand: Node): void {
    const comparable = operand.kind === 'constant' ? typeof operand.value === 'object' && operand.value !== null : !isBooleanExpression(operand);
    if (!comparable) throw this.error(`Value '${this.text(operand)}' cannot be compared.`, operand.at);
  }

  compare(operator: ComparisonOperator, left: Node, right: Node): Node {
    this.checkComparable(left);
    this.checkComparable(right);
    return this.node({ kind: 'compare', operator, left, right }, left.at, right.end, [left, right]);
  }

  /** createEqual: no NULL literal, no TRUE/FALSE literal against a non-boolean literal. */
  equal(left: Node, right: Node): Node {
    for (const operand of [left, right]) {
      if (operand.kind === 'constant' && operand.value === null) throw this.error(`'${this.text(operand)}' cannot be compared.`, operand.at);
    }
    if (left.kind === 'constant' && right.kind === 'constant' && left.booleanLiteral && !right.booleanLiteral) {
      throw this.error(`'${this.text(left)}' cannot be compared with '${this.text(right)}'`, left.at);
    }
    return this.rawEqual(left, right);
  }

  private rawEqual(left: Node, right: Node): Node {
    return this.node({ kind: 'equal', left, right }, left.at, right.end, [left, right]);
  }

  notEqual(left: Node, right: Node): Node {
    return this.not(this.equal(left, right), left.at);
  }

  isNull(operand: Node, end: number): Node {
    const nullLiteral = this.constant(null, true, end, end);
    return { ...this.rawEqual(operand, nullLiteral), end };
  }

  isNotNull(operand: Node, end: number): Node {
    return this.not(this.isNull(operand, end), operand.at);
  }

  /** createBetween: literal bounds must be non-NULL and in order. */
  between(value: Node, low: Node, high: Node, at: number): Node {
    if (low.kind === 'constant' && high.kind === 'constant') {
      if (low.value === null || high.value === null) throw this.error('Illegal values of between, values can not be null!', at);
      let order: number;
      try {
        order = javaCompare(high.value, low.value);
      } catch (error) {
        if (!(error instanceof EvaluationError)) throw error;
        throw this.error(`Illegal values of between: ${error.message}`, at);
      }
      if (order < 0) {
        throw this.error(
          `Illegal values of between, left value(${describeValue(low.value)}) must less than or equal to right value(${describeValue(high.value)})`,
          at,
        );
      }
    }
    return this.logic('and', this.compare('>=', value, low), this.compare('<=', value, high));
  }

  notBetween(value: Node, low: Node, high: Node): Node {
    return this.logic('or', this.compare('<', value, low), this.compare('>', value, high));
  }

  in(left: Node, values: readonly string[], negated: boolean, end: number): Node {
    if (left.kind !== 'property') throw this.error(`Expected a property for In expression, got: ${this.text(left)}`, left.at);
    return this.node({ kind: 'in', property: left.name, values: new Set(values), negated }, left.at, end, [left]);
  }

  match(operator: MatchOperator, operand: Node, search: string, negated: boolean, end: number): Node {
    return this.node({ kind: 'match', operator, operand, search, negated }, operand.at, end, [operand]);
  }
}
