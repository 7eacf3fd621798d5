import assert from 'node:assert/strict';
import { test } from 'node:test';
import { javaStringHashCode, tagsCode } from './tag.js';

// Each expected value was printed by Java 17: System.out.println(s.hashCode()).
const JAVA_HASH_CODES: readonly [string, number][] = [
  ['', 0],
  ['a', 97],
  ['TagA', 2598919],
  ['TagB', 2598920],
  ['TAGS', 2567193],
  ['hello world', 1794106052],
  // Overflows int32 several times on the way.
  ['zzzzzzzzzzzzzzzzzzzz', 1718487168],
  // Non-ASCII: Java hashes UTF-16 code units, not UTF-8 bytes.
  ['标签', 857175],
  ['Tag-ä', 80566097],
  // Outside the BMP: a surrogate pair, two code units.
  ['😀', 1772899],
];

test('tag - javaStringHashCode equals Java String.hashCode for ASCII and non-ASCII tags', () => {
  for (const [text, expected] of JAVA_HASH_CODES) {
    assert.equal(javaStringHashCode(text), expected, JSON.stringify(text));
  }
});

test('tag - a hash that overflows to a negative int stays negative, as in Java', () => {
  // "polygenelubricants".hashCode() is Integer.MIN_VALUE in Java.
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
});

test('tag - tagsCode is 0 for a missing or empty tag and the hash otherwise', () => {
  assert.equal(tagsCode(undefined), 0);
  assert.equal(tagsCode(''), 0);
  assert.equal(tagsCode('TagA'), 2598919);
  // ali-ons sends the literal "null" for untagged messages; it is hashed like any tag.
  assert.equal(tagsCode('null'), 3392903);
});
