import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { parseBody, parseFastJson, stringifyFastJson } from './fastjson.js';

test('fastjson - stringify leaves integer map keys unquoted, as fastjson writes Map<Long, String>', () => {
  const value = { brokerAddrs: { 0: '10.0.0.1:10911', 1: '10.0.0.2:10911', '-1': 'x' }, name: 'b' };
  assert.equal(stringifyFastJson(value, true), '{"brokerAddrs":{0:"10.0.0.1:10911",1:"10.0.0.2:10911",-1:"x"},"name":"b"}');
  assert.equal(stringifyFastJson(value, false), JSON.stringify(value));
});

test('fastjson - stringify never touches string contents that look like keys', () => {
  const value = { a: ',1:', b: '{"2":3}', c: 'x,"4":y', d: 'end\\', 5: ['6:', { 7: 'q"8":' }] };
  const text = stringifyFastJson(value, true);
  assert.equal(text, '{5:["6:",{7:"q\\"8\\":"}],"a":",1:","b":"{\\"2\\":3}","c":"x,\\"4\\":y","d":"end\\\\"}');
  assert.deepEqual(parseFastJson(text), value);
});

test('fastjson - parse accepts unquoted integer keys and plain JSON', () => {
  assert.deepEqual(parseFastJson('{"brokerAddrs":{0:"h:1",1:"h:2"}}'), { brokerAddrs: { 0: 'h:1', 1: 'h:2' } });
  assert.deepEqual(parseFastJson('{ 0 : "a" ,\n\t-12:"b"}'), { 0: 'a', '-12': 'b' });
  assert.deepEqual(parseFastJson('{"0":"a"}'), { 0: 'a' });
  assert.deepEqual(parseFastJson('[1,2,{3:[4,5]}]'), [1, 2, { 3: [4, 5] }]);
  assert.equal(parseFastJson('12'), 12);
});

test('fastjson - parse leaves strings with ",1:", braces and escaped quotes alone', () => {
  assert.deepEqual(parseFastJson('{"a":"x,1:y","b":{0:"q\\",1:",1:"z"}}'), { a: 'x,1:y', b: { 0: 'q",1:', 1: 'z' } });
  assert.deepEqual(parseFastJson('{"a":"\\\\",1:"v"}'), { a: '\\', 1: 'v' });
  assert.deepEqual(parseFastJson('{"a":"{2:3}"}'), { a: '{2:3}' });
  assert.deepEqual(parseFastJson('{"a":"\\u0022,3:"}'), { a: '",3:' });
});

test('fastjson - what is not JSON is a BodyError', () => {
  for (const bad of ['', '{', '{a:1}', '{1.5:"x"}', '{-:"x"}', '{"a":1,}', 'nope']) {
    assert.throws(() => parseFastJson(bad), BodyError, bad);
  }
  assert.throws(() => parseBody(undefined, 'route'), /route: the request has no body/);
  assert.throws(() => parseBody(Buffer.alloc(0), 'route'), BodyError);
  assert.deepEqual(parseBody(Buffer.from('{1:"é"}'), 'route'), { 1: 'é' });
});
