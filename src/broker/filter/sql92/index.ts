/**
 * sql92/: RocketMQ's SQL92 message filter: lexer, parser (with Java's checks) and evaluator.
 * compileSql92 parses once; the compiled expression is then evaluated per message.
 */
import type { Node } from './ast.js';
import { matches, type PropertyLookup } from './evaluate.js';
import { parseSql92 } from './parser.js';

export { Sql92Error } from './sql92-error.js';
export { EXPRESSION_LENGTH_MAX, NESTING_MAX } from './parser.js';
export { TREE_DEPTH_MAX } from './ast.js';
export type { PropertyLookup } from './evaluate.js';

export interface Sql92Expression {
  readonly expression: string;
  /** True when the expression is TRUE for a message with these properties. */
  matches(properties: PropertyLookup): boolean;
}

/** Parses `expression`; throws Sql92Error saying what is wrong and where. */
export function compileSql92(expression: string): Sql92Expression {
  const tree: Node = parseSql92(expression);
  return { expression, matches: (properties) => matches(tree, properties) };
}
