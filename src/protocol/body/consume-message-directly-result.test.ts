import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { ConsumeMessageDirectlyResultRequestHeader } from '../header/index.js';
import {
  consumeMessageDirectlyResultToString,
  decodeConsumeMessageDirectlyResult,
  encodeConsumeMessageDirectlyResult,
} from './consume-message-directly-result.js';

test('consume-message-directly-result - body as fastjson writes it (sorted keys, nulls left out)', () => {
  assert.equal(
    encodeConsumeMessageDirectlyResult({ order: false, autoCommit: true, consumeResult: 'CR_SUCCESS', spentTimeMills: 3 }).toString(),
    '{"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"spentTimeMills":3}',
  );
  assert.equal(
    encodeConsumeMessageDirectlyResult({ order: true, autoCommit: true, consumeResult: 'CR_THROW_EXCEPTION', remark: 'Error: boom', spentTimeMills: 0 }).toString(),
    '{"autoCommit":true,"consumeResult":"CR_THROW_EXCEPTION","order":true,"remark":"Error: boom","spentTimeMills":0}',
  );
  assert.equal(encodeConsumeMessageDirectlyResult({ order: true, autoCommit: false, spentTimeMills: 1 }).toString(), '{"autoCommit":false,"order":true,"spentTimeMills":1}');
});

test('consume-message-directly-result - decodes a Java body and prints toString as Java', () => {
  const java = Buffer.from('{"autoCommit":true,"consumeResult":"CR_LATER","order":false,"spentTimeMills":12}');
  const result = decodeConsumeMessageDirectlyResult(java);
  assert.deepEqual(result, { order: false, autoCommit: true, consumeResult: 'CR_LATER', remark: undefined, spentTimeMills: 12 });
  assert.equal(consumeMessageDirectlyResultToString(result), 'ConsumeMessageDirectlyResult [order=false, autoCommit=true, consumeResult=CR_LATER, remark=null, spentTimeMills=12]');
  assert.equal(
    consumeMessageDirectlyResultToString(decodeConsumeMessageDirectlyResult(Buffer.from('{"autoCommit":true,"order":true,"remark":"x","spentTimeMills":0}'))),
    'ConsumeMessageDirectlyResult [order=true, autoCommit=true, consumeResult=null, remark=x, spentTimeMills=0]',
  );
  assert.throws(() => decodeConsumeMessageDirectlyResult(Buffer.from('{"consumeResult":"CR_MAYBE"}')), BodyError);
  assert.throws(() => decodeConsumeMessageDirectlyResult(Buffer.from('{"order":"yes"}')), BodyError);
  assert.throws(() => decodeConsumeMessageDirectlyResult(undefined), /no body/);
});

test('consume-message-directly-result - request header fields as Java names them', () => {
  const fields = ConsumeMessageDirectlyResultRequestHeader.encode({ consumerGroup: 'G', clientId: 'c@1', msgId: 'ID', topic: 'T', brokerName: 'b', topicSysFlag: 0, groupSysFlag: 0 });
  assert.deepEqual(fields, { consumerGroup: 'G', clientId: 'c@1', msgId: 'ID', brokerName: 'b', topic: 'T', topicSysFlag: '0', groupSysFlag: '0' });
  assert.deepEqual(ConsumeMessageDirectlyResultRequestHeader.decode({ consumerGroup: 'G' }), { consumerGroup: 'G' });
});
