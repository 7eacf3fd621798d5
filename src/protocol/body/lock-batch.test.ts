import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import {
  decodeLockBatchRequest,
  decodeLockBatchResponse,
  encodeLockBatchRequest,
  encodeLockBatchResponse,
  LOCK_BATCH_QUEUES_MAX,
  messageQueueKey,
} from './lock-batch.js';

const queue = { topic: 'T', brokerName: 'broker-a', queueId: 3 };

test('lock-batch - request and response bodies as Java writes them, and back', () => {
  const request = { consumerGroup: 'G', clientId: '10.0.0.1@1', onlyThisBroker: false, mqSet: [queue] };
  assert.equal(
    encodeLockBatchRequest(request).toString(),
    '{"clientId":"10.0.0.1@1","consumerGroup":"G","mqSet":[{"brokerName":"broker-a","queueId":3,"topic":"T"}],"onlyThisBroker":false}',
  );
  assert.deepEqual(decodeLockBatchRequest(encodeLockBatchRequest(request)), request);
  assert.equal(encodeLockBatchResponse([queue]).toString(), '{"lockOKMQSet":[{"brokerName":"broker-a","queueId":3,"topic":"T"}]}');
  assert.deepEqual(decodeLockBatchResponse(encodeLockBatchResponse([queue])), [queue]);
  assert.deepEqual(decodeLockBatchResponse(Buffer.from('{}')), []);
});

test('lock-batch - mqSet is a set; absent fields take Java defaults; wrong shapes are BodyErrors naming the field', () => {
  const twice = Buffer.from(JSON.stringify({ consumerGroup: 'G', clientId: 'c', mqSet: [queue, { ...queue }, { ...queue, queueId: '4' }] }));
  const decoded = decodeLockBatchRequest(twice);
  assert.equal(decoded.onlyThisBroker, false);
  assert.deepEqual(decoded.mqSet, [queue, { ...queue, queueId: 4 }]);
  assert.deepEqual(decodeLockBatchRequest(Buffer.from('{"consumerGroup":"G","clientId":"c"}')).mqSet, []);
  assert.throws(() => decodeLockBatchRequest(Buffer.from('{"clientId":"c"}')), /lockBatchRequest\.consumerGroup is not a string/);
  assert.throws(() => decodeLockBatchRequest(Buffer.from('{"consumerGroup":"G","clientId":"c","mqSet":[{"topic":"T"}]}')), /mqSet\[0\]\.brokerName/);
  assert.throws(() => decodeLockBatchRequest(undefined, 'unlockBatchRequest'), /unlockBatchRequest: the request has no body/);
  const tooMany = Array.from({ length: LOCK_BATCH_QUEUES_MAX + 1 }, (_, queueId) => ({ ...queue, queueId }));
  assert.throws(() => decodeLockBatchRequest(Buffer.from(JSON.stringify({ consumerGroup: 'G', clientId: 'c', mqSet: tooMany }))), BodyError);
});

test('lock-batch - equal queues have equal keys, different ones differ', () => {
  assert.equal(messageQueueKey(queue), messageQueueKey({ queueId: 3, brokerName: 'broker-a', topic: 'T' }));
  assert.notEqual(messageQueueKey(queue), messageQueueKey({ ...queue, brokerName: 'broker-b' }));
  assert.notEqual(messageQueueKey({ topic: 'a,b', brokerName: 'c', queueId: 1 }), messageQueueKey({ topic: 'a', brokerName: 'b,c', queueId: 1 }));
});
