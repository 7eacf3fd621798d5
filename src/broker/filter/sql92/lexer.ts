/**
 * lexer.ts: the tokens of RocketMQ's SQL92 filter language (filter/.../parser/SelectorParser.jj):
 * reserved words in any case (NOT AND OR BETWEEN IN TRUE FALSE NULL IS CONTAINS STARTSWITH
 * ENDSWITH), identifiers [a-zA-Z_$][a-zA-Z0-9_$]*, decimal literals ("0" or no leading zero, an
 * optional l/L), floating literals (5.5, 5., .5, 5E10, 5.5E-3), string literals in single quotes
 * with '' for a quote, the operators = <> > >= < <= ( ) , + -, white space, "-- ..." comments that
 * end at a line break and block comments. Like JavaCC's longest match, "--" without a later line
 * break is two minus signs.
 *
 * Must not: interpret values (the parser does); accept a character outside the language.
 */
import { Sql92Error } from './sql92-error.js';

export const KEYWORDS = ['NOT', 'AND', 'OR', 'BETWEEN', 'IN', 'TRUE', 'FALSE', 'NULL', 'IS', 'CONTAINS', 'STARTSWITH', 'ENDSWITH'] as const;
export type Keyword = (typeof KEYWORDS)[number];
const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

export const OPERATORS = ['=', '<>', '>', '>=', '<', '<=', '(', ')', ',', '+', '-'] as const;
export type Operator = (typeof OPERATORS)[number];

export type Token =
  | { readonly kind: 'keyword'; readonly keyword: Keyword; readonly at: number; readonly text: string }
  | { readonly kind: 'operator'; readonly operator: Operator; readonly at: number; readonly text: string }
  | { readonly kind: 'identifier'; readonly at: number; readonly text: string }
  | { readonly kind: 'decimal'; readonly at: number; readonly text: string }
  | { readonly kind: 'float'; readonly at: number; readonly text: string }
  /** `value` is the literal with its quotes removed and '' made one quote. */
  | { readonly kind: 'string'; readonly value: string; readonly at: number; readonly text: string }
  | { readonly kind: 'end'; readonly at: number; readonly text: string };

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;
const isIdentifierStart = (code: number): boolean =>
  (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code === 0x24;
const isIdentifierPart = (code: number): boolean => isIdentifierStart(code) || isDigit(code);
const isSpace = (char: string): boolean => char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f';

/** The offset just past the line break at or after `from` (\r\n counts as one). */
function lineEnd(text: string, from: number): number {
  for (let at = from; at < text.length; at++) {
    const char = text[at];
    if (char === '\n') return at + 1;
    if (char === '\r') return text[at + 1] === '\n' ? at + 2 : at + 1;
  }
  return text.length;
}

export class Lexer {
  private at = 0;
  /** Offset of the last line break: a "--" before it starts a comment. */
  private readonly lastLineBreak: number;

  constructor(private readonly text: string) {
    this.lastLineBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
  }

  /** Every token of the expression, ending with an 'end' token. */
  static tokenize(text: string): Token[] {
    const lexer = new Lexer(text);
    const tokens: Token[] = [];
    for (;;) {
      const token = lexer.next();
      tokens.push(token);
      if (token.kind === 'end') return tokens;
    }
  }

  private error(reason: string, at: number): Sql92Error {
    return new Sql92Error(reason, at, this.text);
  }

  private next(): Token {
    this.skipBlanks();
    const start = this.at;
    if (start >= this.text.length) return { kind: 'end', at: start, text: '' };
    const code = this.text.charCodeAt(start);
    if (isIdentifierStart(code)) return this.word(start);
    if (isDigit(code) || (code === 0x2e && isDigit(this.text.charCodeAt(start + 1)))) return this.number(start);
    if (code === 0x27) return this.string(start);
    return this.operator(start);
  }

  /** White space and comments. */
  private skipBlanks(): void {
    const { text } = this;
    for (;;) {
      const char = text[this.at];
      if (char !== undefined && isSpace(char)) {
        this.at++;
      } else if (text.startsWith('--', this.at) && this.lastLineBreak > this.at + 1) {
        this.at = lineEnd(text, this.at + 2);
      } else if (text.startsWith('/*', this.at)) {
        const end = text.indexOf('*/', this.at + 2);
        if (end < 0) throw this.error('unterminated comment', this.at);
        this.at = end + 2;
      } else {
        return;
      }
    }
  }

  private word(start: number): Token {
    let end = start + 1;
    while (end < this.text.length && isIdentifierPart(this.text.charCodeAt(end))) end++;
    this.at = end;
    const text = this.text.slice(start, end);
    const upper = text.toUpperCase();
    if (KEYWORD_SET.has(upper)) return { kind: 'keyword', keyword: upper as Keyword, at: start, text };
    return { kind: 'identifier', at: start, text };
  }

  private digits(from: number): number {
    let end = from;
    while (end < this.text.length && isDigit(this.text.charCodeAt(end))) end++;
    return end;
  }

  /** The end of an exponent starting at `from` ("E", a sign, digits), or `from` when there is none. */
  private exponent(from: number): number {
    const marker = this.text[from];
    if (marker !== 'e' && marker !== 'E') return from;
    const sign = this.text[from + 1] === '+' || this.text[from + 1] === '-' ? 1 : 0;
    const end = this.digits(from + 1 + sign);
    return end > from + 1 + sign ? end : from;
  }

  private number(start: number): Token {
    const integerEnd = this.digits(start);
    let end = integerEnd;
    let float = false;
    if (this.text[end] === '.') {
      end = this.exponent(this.digits(end + 1));
      float = true;
    } else if (this.exponent(end) > end) {
      end = this.exponent(end);
      float = true;
    }
    if (float) {
      this.at = end;
      return { kind: 'float', at: start, text: this.text.slice(start, end) };
    }
    if (this.text[start] === '0' && integerEnd > start + 1) throw this.error(`invalid number "${this.text.slice(start, integerEnd)}" (no leading zeros)`, start);
    if (this.text[end] === 'l' || this.text[end] === 'L') end++;
    this.at = end;
    return { kind: 'decimal', at: start, text: this.text.slice(start, end) };
  }

  private string(start: number): Token {
    let value = '';
    let at = start + 1;
    for (;;) {
      const quote = this.text.indexOf("'", at);
      if (quote < 0) throw this.error('unterminated string literal', start);
      value += this.text.slice(at, quote);
      if (this.text[quote + 1] !== "'") {
        this.at = quote + 1;
        return { kind: 'string', value, at: start, text: this.text.slice(start, quote + 1) };
      }
      value += "'";
      at = quote + 2;
    }
  }

  private operator(start: number): Token {
    const two = this.text.slice(start, start + 2);
    const operator = (['<>', '>=', '<='] as const).find((candidate) => candidate === two) ?? OPERATORS.find((candidate) => candidate === this.text[start]);
    if (operator === undefined) throw this.error(`unexpected character ${JSON.stringify(this.text[start])}`, start);
    this.at = start + operator.length;
    return { kind: 'operator', operator, at: start, text: operator };
  }
}
