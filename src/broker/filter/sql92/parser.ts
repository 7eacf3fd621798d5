/**
 * parser.ts: recursive descent over RocketMQ's SQL92 filter grammar (SelectorParser.jj), from the
 * loosest binding to the tightest:
 *   selector   := or
 *   or         := and (OR and)*
 *   and        := equality (AND equality)*
 *   equality   := comparison ( '=' comparison | '<>' comparison | IS NULL | IS NOT NULL )*
 *   comparison := unary ( ('>'|'>='|'<'|'<=') unary | [NOT] (CONTAINS|STARTSWITH|ENDSWITH) string
 *                       | [NOT] BETWEEN unary AND unary | [NOT] IN '(' string (',' string)* ')' )*
 *   unary      := '+' unary | '-' unary | NOT unary | primary
 *   primary    := string | decimal | float | TRUE | FALSE | NULL | identifier | '(' or ')'
 * As in Java, NOT binds tighter than comparisons: "NOT a = 'x'" is "(NOT a) = 'x'"; write
 * "NOT (a = 'x')" or "a <> 'x'". A decimal literal is an int when it fits 32 bits, else a long
 * (beyond a long it is refused); a floating literal is a double and must be finite. (Java also
 * refuses 0.0 and other floating literals below Double.MIN_VALUE, a bug this parser leaves out.)
 *
 * Bounds: EXPRESSION_LENGTH_MAX characters, NESTING_MAX levels of parentheses and unary operators
 * (the only recursion), and the tree depth the builder checks. Errors are Sql92Error with the
 * position of the offending token.
 */
import { TreeBuilder, type ComparisonOperator, type MatchOperator, type Node } from './ast.js';
import { Lexer, type Keyword, type Operator, type Token } from './lexer.js';
import { Sql92Error } from './sql92-error.js';
import { doubleValue, intValue, longValue, parseJavaLong } from './values.js';

export const EXPRESSION_LENGTH_MAX = 65_536;
export const NESTING_MAX = 100;

const COMPARISONS: readonly ComparisonOperator[] = ['>', '>=', '<', '<='];
const MATCHES: readonly MatchOperator[] = ['CONTAINS', 'STARTSWITH', 'ENDSWITH'];
const NEGATABLE: ReadonlySet<Keyword> = new Set<Keyword>([...MATCHES, 'BETWEEN', 'IN']);
const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

function describe(token: Token): string {
  return token.kind === 'end' ? 'the end of the expression' : JSON.stringify(token.text);
}

/** Parses an SQL92 filter expression into a boolean expression tree; throws Sql92Error. */
export function parseSql92(expression: string): Node {
  if (expression.length > EXPRESSION_LENGTH_MAX) {
    throw new Sql92Error(`the expression is longer than ${EXPRESSION_LENGTH_MAX} characters`, EXPRESSION_LENGTH_MAX, expression);
  }
  return new Parser(expression).selector();
}

class Parser {
  private readonly tokens: Token[];
  private readonly builder: TreeBuilder;
  private index = 0;
  private nesting = 0;

  constructor(private readonly source: string) {
    this.tokens = Lexer.tokenize(source);
    this.builder = new TreeBuilder(source);
  }

  private peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token;
    return this.tokens[this.index + ahead] ?? last;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private keywordAt(ahead: number): Keyword | undefined {
    const token = this.peek(ahead);
    return token.kind === 'keyword' ? token.keyword : undefined;
  }

  private operatorAt(ahead: number): Operator | undefined {
    const token = this.peek(ahead);
    return token.kind === 'operator' ? token.operator : undefined;
  }

  private unexpected(token: Token, expected: string): Sql92Error {
    return new Sql92Error(`unexpected ${describe(token)}; expected ${expected}`, token.at, this.source);
  }

  /** The end offset of the token just consumed. */
  private consumedEnd(): number {
    const token = this.tokens[this.index - 1];
    return token === undefined ? 0 : token.at + token.text.length;
  }

  selector(): Node {
    const node = this.or();
    if (this.peek().kind !== 'end') throw this.unexpected(this.peek(), 'AND, OR, a comparison or the end of the expression');
    return this.builder.asBoolean(node);
  }

  private or(): Node {
    let left = this.and();
    while (this.keywordAt(0) === 'OR') {
      this.advance();
      left = this.builder.logic('or', left, this.and());
    }
    return left;
  }

  private and(): Node {
    let left = this.equality();
    while (this.keywordAt(0) === 'AND') {
      this.advance();
      left = this.builder.logic('and', left, this.equality());
    }
    return left;
  }

  private equality(): Node {
    let left = this.comparison();
    for (;;) {
      const operator = this.operatorAt(0);
      if (operator === '=' || operator === '<>') {
        this.advance();
        const right = this.comparison();
        left = operator === '=' ? this.builder.equal(left, right) : this.builder.notEqual(left, right);
      } else if (this.keywordAt(0) === 'IS') {
        this.advance();
        const negated = this.keywordAt(0) === 'NOT';
        if (negated) this.advance();
        if (this.keywordAt(0) !== 'NULL') throw this.unexpected(this.peek(), negated ? 'NULL' : 'NULL or NOT NULL');
        this.advance();
        left = negated ? this.builder.isNotNull(left, this.consumedEnd()) : this.builder.isNull(left, this.consumedEnd());
      } else {
        return left;
      }
    }
  }

  private comparison(): Node {
    let left = this.unary();
    for (;;) {
      const operator = this.operatorAt(0);
      const comparison = COMPARISONS.find((candidate) => candidate === operator);
      if (comparison !== undefined) {
        this.advance();
        left = this.builder.compare(comparison, left, this.unary());
        continue;
      }
      const negated = this.keywordAt(0) === 'NOT' && NEGATABLE.has(this.keywordAt(1) as Keyword);
      const keyword = this.keywordAt(negated ? 1 : 0);
      if (keyword === undefined || !NEGATABLE.has(keyword)) return left;
      const at = this.peek().at;
      this.advance();
      if (negated) this.advance();
      left = this.negatable(keyword, left, negated, at);
    }
  }

  /** The rest of [NOT] CONTAINS/STARTSWITH/ENDSWITH/BETWEEN/IN after its keywords. */
  private negatable(keyword: Keyword, left: Node, negated: boolean, at: number): Node {
    const match = MATCHES.find((candidate) => candidate === keyword);
    if (match !== undefined) {
      const search = this.stringLiteral();
      return this.builder.match(match, left, search, negated, this.consumedEnd());
    }
    if (keyword === 'BETWEEN') {
      const low = this.unary();
      if (this.keywordAt(0) !== 'AND') throw this.unexpected(this.peek(), 'AND');
      this.advance();
      const high = this.unary();
      return negated ? this.builder.notBetween(left, low, high) : this.builder.between(left, low, high, at);
    }
    if (this.operatorAt(0) !== '(') throw this.unexpected(this.peek(), '"(" and a list of strings');
    this.advance();
    const values = [this.stringLiteral()];
    while (this.operatorAt(0) === ',') {
      this.advance();
      values.push(this.stringLiteral());
    }
    if (this.operatorAt(0) !== ')') throw this.unexpected(this.peek(), '"," or ")"');
    this.advance();
    return this.builder.in(left, values, negated, this.consumedEnd());
  }

  private stringLiteral(): string {
    const token = this.peek();
    if (token.kind !== 'string') throw this.unexpected(token, "a string literal in single quotes");
    this.advance();
    return token.value;
  }

  private unary(): Node {
    const token = this.peek();
    if (++this.nesting > NESTING_MAX) throw new Sql92Error(`more than ${NESTING_MAX} nested parentheses or unary operators`, token.at, this.source);
    try {
      if (token.kind === 'operator' && (token.operator === '+' || token.operator === '-')) {
        this.advance();
        const operand = this.unary();
        return token.operator === '+' ? operand : this.builder.negate(operand, token.at);
      }
      if (token.kind === 'keyword' && token.keyword === 'NOT') {
        this.advance();
        return this.builder.not(this.unary(), token.at);
      }
      return this.primary();
    } finally {
      this.nesting--;
    }
  }

  private primary(): Node {
    const token = this.advance();
    switch (token.kind) {
      case 'string':
        return this.builder.constant(token.value, false, token.at, token.at + token.text.length);
      case 'decimal':
        return this.decimal(token);
      case 'float':
        return this.float(token);
      case 'identifier':
        return this.builder.property(token.text, token.at);
      case 'keyword':
        if (token.keyword === 'TRUE' || token.keyword === 'FALSE' || token.keyword === 'NULL') {
          const value = token.keyword === 'NULL' ? null : token.keyword === 'TRUE';
          return this.builder.constant(value, true, token.at, token.at + token.text.length);
        }
        break;
      case 'operator':
        if (token.operator === '(') {
          const inner = this.or();
          if (this.operatorAt(0) !== ')') throw this.unexpected(this.peek(), '")"');
          this.advance();
          return inner;
        }
        break;
      default:
        break;
    }
    throw this.unexpected(token, 'a literal, a property name or "("');
  }

  /** ConstantExpression.createFromDecimal: an int when it fits, else a long. */
  private decimal(token: Token): Node {
    const digits = /[lL]$/.test(token.text) ? token.text.slice(0, -1) : token.text;
    const value = parseJavaLong(digits);
    if (value === undefined) throw new Sql92Error(`the number ${digits} is out of the range of a long`, token.at, this.source);
    const constant = value >= BigInt(INT_MIN) && value <= BigInt(INT_MAX) ? intValue(Number(value)) : longValue(value);
    return this.builder.constant(constant, false, token.at, token.at + token.text.length);
  }

  /** ConstantExpression.createFloat: a finite double. */
  private float(token: Token): Node {
    const value = Number(token.text);
    if (!Number.isFinite(value)) throw new Sql92Error(`the number ${token.text} is greater than ${Number.MAX_VALUE}`, token.at, this.source);
    return this.builder.constant(doubleValue(value), false, token.at, token.at + token.text.length);
  }
}
