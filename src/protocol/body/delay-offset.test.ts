import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeDelayOffsetTable, encodeDelayOffsetTable } from './delay-offset.js';

test('delay-offset - written as fastjson writes DelayOffsetSerializeWrapper: level keys unquoted, in order', () => {
  const text = encodeDelayOffsetTable({
    offsetTable: new Map([
      [2, 5],
      [1, 0],
      [18, 7],
    ]),
    dataVersion: { stateVersion: 0, timestamp: 1700000000000, counter: 3 },
  });
  assert.equal(text, '{"dataVersion":{"counter":3,"stateVersion":0,"timestamp":1700000000000},"offsetTable":{1:0,2:5,18:7}}');
  const decoded = decodeDelayOffsetTable(text);
  assert.deepEqual([...decoded.offsetTable], [[1, 0], [2, 5], [18, 7]]);
  assert.deepEqual(decoded.dataVersion, { stateVersion: 0, timestamp: 1700000000000, counter: 3 });
});

test('delay-offset - reads Java files with or without dataVersion, quoted or not; refuses junk', () => {
  assert.deepEqual([...decodeDelayOffsetTable('{"offsetTable":{"3":12}}').offsetTable], [[3, 12]]);
  assert.deepEqual([...decodeDelayOffsetTable('{\n\t"offsetTable":{\n\t\t1:4\n\t}\n}').offsetTable], [[1, 4]]);
  assert.equal(decodeDelayOffsetTable('{}').offsetTable.size, 0);
  assert.throws(() => decodeDelayOffsetTable('{"offsetTable":{"x":1}}'), BodyError);
  assert.throws(() => decodeDelayOffsetTable('{"offsetTable":{1:"a"}}'), /offsetTable\.1 is not an integer/);
  assert.throws(() => decodeDelayOffsetTable('not json'), BodyError);
});
