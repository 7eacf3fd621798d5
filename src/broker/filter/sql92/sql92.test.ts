import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileSql92, EXPRESSION_LENGTH_MAX, NESTING_MAX, Sql92Error, TREE_DEPTH_MAX } from './index.js';
import { Lexer } from './lexer.js';

/** Whether `expression` matches a message with `properties`. */
function check(expression: string, properties: Record<string, string> = {}): boolean {
  return compileSql92(expression).matches((name) => properties[name]);
}

function refused(expression: string, reason: RegExp, where: string): void {
  assert.throws(
    () => compileSql92(expression),
    (error: unknown) => {
      assert.ok(error instanceof Sql92Error, `${expression}: ${String(error)}`);
      assert.match(error.message, reason, expression);
      assert.ok(error.message.startsWith(`at ${where}: `), `${expression}: "${error.message}" should start with "at ${where}: "`);
      return true;
    },
  );
}

test('sql92 - comparisons = <> > >= < <= on numbers in string properties', () => {
  const message = { a: '5' };
  for (const [expression, expected] of [
    ['a = 5', true],
    ['a = 6', false],
    ['a <> 6', true],
    ['a <> 5', false],
    ['a > 4', true],
    ['a > 5', false],
    ['a >= 5', true],
    ['a < 6', true],
    ['a < 5', false],
    ['a <= 5', true],
    ['a <= 4', false],
    ['a > 4.5', true],
    ['a < 5.0001', true],
    ['a > -1', true],
    ['a = 5.0', true],
    ['a = 5L', true],
  ] as const) {
    assert.equal(check(expression, message), expected, expression);
  }
});

test('sql92 - string equality, and strings compared by > as doubles', () => {
  assert.equal(check("a = 'hello'", { a: 'hello' }), true);
  assert.equal(check("a <> 'hello'", { a: 'world' }), true);
  assert.equal(check('a = b', { a: '3.14', b: '3.14' }), true);
  assert.equal(check('a > b', { a: '20', b: '10' }), true);
  assert.equal(check('a > b', { a: '10', b: '20' }), false);
  // Two strings that are not numbers cannot be ordered: the evaluation fails, the message does not match.
  assert.equal(check('a > b', { a: 'x', b: 'y' }), false);
  assert.equal(check('NOT (a > b)', { a: 'x', b: 'y' }), false);
  // A non-numeric property against a number fails too (Integer.valueOf throws).
  assert.equal(check('a > 1', { a: 'abc' }), false);
  assert.equal(check('a = 1', { a: 'abc' }), false);
  // An int literal parses the property as an int: 3000000000 does not fit and fails, a long literal takes it.
  assert.equal(check('a > 1', { a: '3000000000' }), false);
  assert.equal(check('a > 1L', { a: '3000000000' }), false, '1L still fits an int, so it is an int');
  assert.equal(check('a > 2147483648', { a: '3000000000' }), true, 'a literal beyond an int is a long');
  assert.equal(check('a > 1', { a: '1.5' }), false, 'an int literal does not parse "1.5"');
  assert.equal(check('a > 1.0', { a: '1.5' }), true);
});

test('sql92 - BETWEEN and NOT BETWEEN include their bounds', () => {
  for (const [value, inside] of [['1', false], ['2', true], ['6', true], ['10', true], ['11', false]] as const) {
    assert.equal(check('a BETWEEN 2 AND 10', { a: value }), inside, `a=${value}`);
    assert.equal(check('a NOT BETWEEN 2 AND 10', { a: value }), !inside, `a=${value}`);
  }
  assert.equal(check('a between -5 and -1', { a: '-3' }), true);
  assert.equal(check('a BETWEEN 2 AND 10'), false);
  assert.equal(check('a NOT BETWEEN 2 AND 10'), false, 'a missing property is unknown, not outside');
});

test('sql92 - IN and NOT IN take string lists', () => {
  assert.equal(check("a IN ('x', 'y')", { a: 'y' }), true);
  assert.equal(check("a IN ('x', 'y')", { a: 'z' }), false);
  assert.equal(check("a NOT IN ('x', 'y')", { a: 'z' }), true);
  assert.equal(check("a NOT IN ('x', 'y')", { a: 'x' }), false);
  assert.equal(check("a IN ('1', '2', '3', '4', '5', '6')", { a: '6' }), true);
  assert.equal(check("a IN ('x')"), false);
  assert.equal(check("a NOT IN ('x')"), false, 'a missing property is in no list and outside none');
});

test('sql92 - IS NULL and IS NOT NULL', () => {
  assert.equal(check('a IS NULL'), true);
  assert.equal(check('a IS NULL', { a: '' }), false);
  assert.equal(check('a IS NOT NULL', { a: 'v' }), true);
  assert.equal(check('a is not null'), false);
  assert.equal(check("a is null or a = 'hello'"), true);
  assert.equal(check("a is null or a = 'hello'", { a: 'hello' }), true);
  assert.equal(check("a is null or a = 'hello'", { a: 'abc' }), false);
});

test('sql92 - CONTAINS, STARTSWITH, ENDSWITH and their NOT forms', () => {
  const message = { value: 'axb' };
  for (const [expression, expected] of [
    ["value contains 'x'", true],
    ["value startswith 'ax'", true],
    ["value endswith 'xb'", true],
    ["value not contains 'x'", false],
    ["value not startswith 'b'", true],
    ["value not endswith 'a'", true],
    ["value contains 'u'", false],
    ["value contains ''", false],
    ["value not contains ''", false],
    ["'axb' contains 'x'", true],
  ] as const) {
    assert.equal(check(expression, message), expected, expression);
  }
  assert.equal(check("value contains 'x'"), false);
  assert.equal(check("value not contains 'x'"), false, 'a missing property contains nothing and misses nothing');
});

test('sql92 - AND, OR and NOT with three-valued logic over missing properties', () => {
  assert.equal(check("a = '1' AND b = '2'", { a: '1', b: '2' }), true);
  assert.equal(check("a = '1' AND b = '2'", { a: '1' }), false);
  assert.equal(check("a = '1' OR b = '2'", { b: '2' }), true);
  assert.equal(check("a = '1' OR b = '2'", { a: '0' }), false);
  assert.equal(check("NOT (a = '1')", { a: '0' }), true);
  // NULL stays NULL through NOT: a missing property matches neither a test nor its negation.
  assert.equal(check("NOT (a = '1')"), false);
  assert.equal(check("NOT (a = '1' AND b = '2')", { a: '0' }), true, 'FALSE AND NULL is FALSE');
  assert.equal(check("NOT (a = '1' OR b = '2')", { a: '0' }), false, 'FALSE OR NULL is NULL');
  assert.equal(check('a > 1 OR TRUE'), true, 'NULL OR TRUE is TRUE');
  assert.equal(check('a > 1 AND FALSE'), false);
});

test('sql92 - precedence: AND before OR, NOT before comparisons, parentheses first', () => {
  // a=1 OR (b=1 AND c=1)
  assert.equal(check('a = 1 OR b = 1 AND c = 1', { a: '1', b: '0', c: '0' }), true);
  assert.equal(check('(a = 1 OR b = 1) AND c = 1', { a: '1', b: '0', c: '0' }), false);
  // As in Java, NOT binds tighter than =: "NOT a = 'x'" is "(NOT a) = 'x'", a boolean against a
  // string, which fails for a present property; write NOT (a = 'x') or a <> 'x' instead.
  assert.equal(check("NOT a = 'x'", { a: 'y' }), false);
  assert.equal(check("NOT (a = 'x')", { a: 'y' }), true);
  // Comparisons bind tighter than =: (a > 1) = TRUE.
  assert.equal(check('a > 1 = TRUE', { a: '2' }), true);
  assert.equal(check('a > 1 = FALSE', { a: '2' }), false);
  assert.equal(check('a > 1 = TRUE', { a: '0' }), false);
});

test('sql92 - literals: strings with quotes, numbers, booleans, keywords in any case, comments', () => {
  assert.equal(check("TAGS = '''''tag'''''", { TAGS: "''tag''" }), true);
  assert.equal(check("s = 'it''s'", { s: "it's" }), true);
  assert.equal(check('a = 9223372036854775807', { a: '9223372036854775807' }), true);
  assert.equal(check('a > 3.1E10', { a: String(3.1415e10) }), true);
  assert.equal(check('a < .5e1', { a: '4' }), true);
  assert.equal(check('a = 5.', { a: '5' }), true);
  assert.equal(check('a = TRUE', { a: 'true' }), true, 'a string is read as a boolean against TRUE');
  assert.equal(check('a = FALSE', { a: 'TRUE' }), false);
  assert.equal(check('TRUE'), true);
  assert.equal(check('FALSE'), false);
  assert.equal(check('NULL'), false);
  assert.equal(check("a = 'x' aNd b = 'y' Or c Is nOt NuLl", { c: '1' }), true);
  assert.equal(check("a = 'x' -- the first test\n OR /* and the second */ b = 'y'", { b: 'y' }), true);
  // Without a line break after it, "--" is two minus signs.
  assert.equal(check('a = --5', { a: '5' }), true);
  assert.equal(check('a = -(-5)', { a: '5' }), true);
  assert.equal(check('a = +5', { a: '5' }), true);
  assert.equal(check('$x_1 = 1', { $x_1: '1' }), true);
});

test('sql92 - a property used as a boolean is FALSE, NULL when missing', () => {
  assert.equal(check('a', { a: 'true' }), false);
  assert.equal(check('NOT a', { a: 'true' }), true);
  assert.equal(check('NOT a'), false);
  assert.equal(check("a AND b = '1'", { a: 'x', b: '1' }), false);
});

test('sql92 - refused expressions say what is wrong and where', () => {
  refused('a >', /unexpected the end of the expression; expected a literal/, 'line 1, column 4');
  refused('a = = 1', /unexpected "="/, 'line 1, column 5');
  refused("a > 'x'", /Value ''x'' cannot be compared/, 'line 1, column 5');
  refused('a > TRUE', /Value 'TRUE' cannot be compared/, 'line 1, column 5');
  refused('a > (b = 1)', /Value 'b = 1' cannot be compared/, 'line 1, column 6');
  refused('a = NULL', /'NULL' cannot be compared/, 'line 1, column 5');
  refused('TRUE = 1', /'TRUE' cannot be compared with '1'/, 'line 1, column 1');
  refused(' a between 10 and 0', /left value\(10\) must less than or equal to right value\(0\)/, 'line 1, column 4');
  refused('a between NULL and 1', /values can not be null/, 'line 1, column 3');
  refused("5 IN ('a')", /Expected a property for In expression, got: 5/, 'line 1, column 1');
  refused('a IN (1, 2)', /expected a string literal/, 'line 1, column 7');
  refused("a CONTAINS x", /expected a string literal/, 'line 1, column 12');
  refused("a = 'open", /unterminated string literal/, 'line 1, column 5');
  refused('a != 1', /unexpected character "!"/, 'line 1, column 3');
  refused("'just a string'", /will not result in a boolean value/, 'line 1, column 1');
  refused('5', /will not result in a boolean value/, 'line 1, column 1');
  refused('a and between 2 and 10', /unexpected "between"/, 'line 1, column 7');
  refused('a > 100000000000000000000000', /out of the range of a long/, 'line 1, column 5');
  refused('a > 1e999', /greater than/, 'line 1, column 5');
  refused('a = 007', /no leading zeros/, 'line 1, column 5');
  refused("a = 1\n  AND b IS 5", /expected NULL or NOT NULL/, 'line 2, column 12');
  refused('a = 1 /* never closed', /unterminated comment/, 'line 1, column 7');
  refused('(a = 1', /expected "\)"/, 'line 1, column 7');
  refused('a = 1)', /expected AND, OR, a comparison or the end/, 'line 1, column 6');
  refused('', /unexpected the end of the expression/, 'line 1, column 1');
});

test('sql92 - bounded: nesting, tree depth and length', () => {
  const nested = `${'('.repeat(NESTING_MAX + 1)}a = 1${')'.repeat(NESTING_MAX + 1)}`;
  refused(nested, /more than 100 nested/, `line 1, column ${NESTING_MAX + 1}`);
  assert.equal(check(`${'('.repeat(NESTING_MAX - 1)}a = 1${')'.repeat(NESTING_MAX - 1)}`, { a: '1' }), true);
  const terms = (count: number): string => Array.from({ length: count }, (_, index) => `a = ${index}`).join(' OR ');
  assert.equal(check(terms(TREE_DEPTH_MAX - 1), { a: String(TREE_DEPTH_MAX - 2) }), true);
  refused(terms(TREE_DEPTH_MAX + 2), /nested deeper than 1000 levels/, 'line 1, column 1');
  refused(`a = '${'x'.repeat(EXPRESSION_LENGTH_MAX)}'`, /longer than 65536 characters/, `line 1, column ${EXPRESSION_LENGTH_MAX + 1}`);
});

test('sql92 - lexer: tokens and their offsets', () => {
  const tokens = Lexer.tokenize("a>=1.5e3 AND b<>'x''y' OR c IN ('p')");
  assert.deepEqual(
    tokens.map((token) => [token.kind, token.text, token.at]),
    [
      ['identifier', 'a', 0],
      ['operator', '>=', 1],
      ['float', '1.5e3', 3],
      ['keyword', 'AND', 9],
      ['identifier', 'b', 13],
      ['operator', '<>', 14],
      ['string', "'x''y'", 16],
      ['keyword', 'OR', 23],
      ['identifier', 'c', 26],
      ['keyword', 'IN', 28],
      ['operator', '(', 31],
      ['string', "'p'", 32],
      ['operator', ')', 35],
      ['end', '', 36],
    ],
  );
});
