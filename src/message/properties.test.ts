import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeProperties,
  encodeProperties,
  findProperties,
  findProperty,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
} from './properties.js';

const show = (text: string): string => text.replaceAll('\u0001', '\\1').replaceAll('\u0002', '\\2');

test('properties - encode writes name \\u0001 value \\u0002 for each entry, in map order', () => {
  const text = encodeProperties(new Map([['TAGS', 'TagA'], ['KEYS', 'k1 k2'], ['UNIQ_KEY', 'ABC']]));
  assert.equal(text, 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002UNIQ_KEY\u0001ABC\u0002');
  assert.equal(Buffer.from(text).toString('hex'), '544147530154616741024b455953016b31206b3202554e49515f4b455901414243' + '02');
  assert.equal(encodeProperties(new Map()), '');
  assert.equal(NAME_VALUE_SEPARATOR.charCodeAt(0), 1);
  assert.equal(PROPERTY_SEPARATOR.charCodeAt(0), 2);
});

test('properties - decode follows Java string2messageProperties, including what it skips', () => {
  // Each expected map was printed by Java 17 running MessageDecoder.string2messageProperties verbatim.
  const cases: readonly [string, Record<string, string>][] = [
    ['a\u0001b\u0002', { a: 'b' }],
    ['k\u0001v', { k: 'v' }], // no trailing separator
    ['ab\u0002', {}], // no name/value separator
    ['\u0001bc\u0002', {}], // separator first: empty name
    ['ab\u0001\u0002', {}], // separator last: empty value
    ['\u0002\u0002', {}], // empty pieces
    ['k\u0001v\u0002\u0002x\u0001y\u0002', { k: 'v', x: 'y' }],
    ['k\u0001\u0001v\u0002', { k: '\u0001v' }], // the first separator splits
    ['k\u0001v\u0001w\u0002', { k: 'v\u0001w' }],
    ['a\u0001b\u0002a\u0001c\u0002', { a: 'c' }], // a later duplicate wins
    ['kk\u0002x\u0001y\u0002', { x: 'y' }],
    // A piece without a separator makes Java look ahead into the next piece, and skip both.
    ['k\u0001\u0002v\u0001w\u0002x', { v: 'w' }],
    ['', {}],
  ];
  for (const [text, expected] of cases) {
    assert.deepEqual(Object.fromEntries(decodeProperties(text)), expected, show(text));
  }
});

test('properties - encode then decode gives the map back', () => {
  const map = new Map([['TAGS', 'TagA'], ['KEYS', 'k1 k2'], ['标签', '値 ü'], ['DELAY', '3']]);
  assert.deepEqual(decodeProperties(encodeProperties(map)), map);
});

test('properties - findProperty and findProperties agree with decodeProperties (seeded random strings)', () => {
  const seed = Number(process.env['SEED'] ?? Date.now() % 1_000_000);
  // mulberry32: a small PRNG whose low bits are as random as its high ones.
  let state = seed | 0;
  const random = (limit: number): number => {
    state = (state + 0x6d2b79f5) | 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return Math.floor((((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296) * limit);
  };
  const alphabet = ['a', 'b', 'K', '\u0001', '\u0002'];
  const names = ['a', 'b', 'ab', 'K', 'aK', 'ba'];
  try {
    for (let round = 0; round < 2000; round++) {
      let text = '';
      const length = random(14);
      for (let index = 0; index < length; index++) text += alphabet[random(alphabet.length)];
      const decoded = decodeProperties(text);
      for (const name of names) assert.equal(findProperty(text, name), decoded.get(name), `${show(text)} / ${name}`);
      const found: (string | undefined)[] = ['stale'];
      findProperties(text, names, found);
      assert.deepEqual(found, names.map((name) => decoded.get(name)), `${show(text)}: findProperties in one pass`);
    }
  } catch (error) {
    console.error(`properties - findProperty agreement failed with SEED=${seed}`);
    throw error;
  }
});

test('properties - findProperty reads one property without a map', () => {
  const text = 'TAGS\u0001TagA\u0002KEYS\u0001k1 k2\u0002TAGS2\u0001x\u0002';
  assert.equal(findProperty(text, 'TAGS'), 'TagA');
  assert.equal(findProperty(text, 'KEYS'), 'k1 k2');
  assert.equal(findProperty(text, 'TAGS2'), 'x');
  assert.equal(findProperty(text, 'TAG'), undefined);
  assert.equal(findProperty(text, 'UNIQ_KEY'), undefined);
  assert.equal(findProperty('', 'TAGS'), undefined);
});
