import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testLogger } from '../log/index.js';
import { MQClientError } from './errors.js';
import {
  parseConsumeTimestamp,
  validateLitePullConsumerOptions,
  validateProducerOptions,
  validatePushConsumerOptions,
} from './options.js';

const logger = testLogger();

test('options - producer defaults are DefaultMQProducer\'s', () => {
  const options = validateProducerOptions({ groupName: 'PID_a', namesrvAddr: '127.0.0.1:9876', logger });
  assert.equal(options.sendMsgTimeout, 3000);
  assert.equal(options.retryTimesWhenSendFailed, 2);
  assert.equal(options.compressMsgBodyOverHowmuch, 4096);
  assert.equal(options.maxMessageSize, 4 * 1024 * 1024);
  assert.equal(options.defaultTopicQueueNums, 4);
  assert.equal(options.createTopicKey, 'TBW102');
  assert.equal(options.retryAnotherBrokerWhenNotStoreOK, false);
  assert.equal(options.sendLatencyFaultEnable, false);
  assert.equal(options.instanceName, 'DEFAULT');
  assert.equal(options.pollNameServerInterval, 30_000);
  assert.equal(options.heartbeatBrokerInterval, 30_000);
  assert.ok(Object.isFrozen(options));
});

test('options - push and lite-pull consumer defaults are Java\'s', () => {
  const push = validatePushConsumerOptions({ groupName: 'GID_a', namesrvAddr: '127.0.0.1:9876', logger });
  assert.equal(push.messageModel, 'CLUSTERING');
  assert.equal(push.consumeFromWhere, 'CONSUME_FROM_LAST_OFFSET');
  assert.equal(push.consumeThreadMax, 20);
  assert.equal(push.pullThresholdForQueue, 1000);
  assert.equal(push.pullThresholdSizeForQueue, 100);
  assert.equal(push.consumeMessageBatchMaxSize, 1);
  assert.equal(push.pullBatchSize, 32);
  assert.equal(push.maxReconsumeTimes, -1);
  assert.equal(push.consumeTimeout, 15);
  assert.equal(push.persistConsumerOffsetInterval, 5000);
  assert.equal(push.rebalanceInterval, 20_000);
  assert.equal(push.allocateMessageQueueStrategy.name, 'AVG');
  assert.equal(push.orderly, false);
  assert.equal(push.suspendCurrentQueueTimeMillis, 1000, 'DefaultMQPushConsumer.suspendCurrentQueueTimeMillis');
  assert.match(problems(() => validatePushConsumerOptions({ groupName: 'GID_a', namesrvAddr: '127.0.0.1:9876', logger, suspendCurrentQueueTimeMillis: 5, orderly: 'yes' as never })), /suspendCurrentQueueTimeMillis: 5 is outside 10\.\.30000[\s\S]*orderly: is not a boolean|orderly: is not a boolean[\s\S]*suspendCurrentQueueTimeMillis/);
  assert.ok(Math.abs(Number(push.consumeTimestamp) - (Date.now() - 30 * 60_000)) < 60_000, 'consumeTimestamp defaults to half an hour ago');
  const lite = validateLitePullConsumerOptions({ groupName: 'GID_a', namesrvAddr: '127.0.0.1:9876', logger });
  assert.equal(lite.pullBatchSize, 10);
  assert.equal(lite.autoCommit, true);
  assert.equal(lite.autoCommitIntervalMillis, 5000);
  assert.equal(lite.pollTimeoutMillis, 5000);
  assert.equal(lite.brokerSuspendMaxTimeMillis, 20_000);
  assert.equal(lite.consumerTimeoutMillisWhenSuspend, 30_000);
});

function problems(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof MQClientError, String(error));
    assert.equal(error.code, -1);
    assert.equal(error.retriable, false);
    return error.remark;
  }
  assert.fail('no error');
}

test('options - every problem is reported at once, with the key', () => {
  const remark = problems(() =>
    validatePushConsumerOptions({
      groupName: 'bad group!',
      namesrvAddr: 'nohost',
      consumeThreadMax: 0,
      pullThresholdForQueue: 70_000,
      messageModel: 'EVERYONE' as 'CLUSTERING',
      consumeTimestamp: '2024-01-01',
      sendMsgTimeout: 5,
    } as never),
  );
  for (const key of ['groupName', 'namesrvAddr', 'consumeThreadMax', 'pullThresholdForQueue', 'messageModel', 'consumeTimestamp', 'sendMsgTimeout: unknown option']) {
    assert.match(remark, new RegExp(key), remark);
  }
});

test('options - group names follow Validators.checkGroup; the default groups are refused', () => {
  assert.match(problems(() => validateProducerOptions({ groupName: '' })), /the specified group is blank/);
  assert.match(problems(() => validateProducerOptions({ groupName: 'x'.repeat(121) })), /longer than group max length: 120/);
  assert.match(problems(() => validateProducerOptions({ groupName: 'DEFAULT_PRODUCER', namesrvAddr: 'a:1' })), /can not equal DEFAULT_PRODUCER/);
  assert.match(problems(() => validatePushConsumerOptions({ groupName: 'DEFAULT_CONSUMER', namesrvAddr: 'a:1' })), /can not equal DEFAULT_CONSUMER/);
  assert.match(problems(() => validateProducerOptions({ groupName: 'P', compressLevel: 10, namesrvAddr: 'a:1' })), /compressLevel: 10 is outside 0..9/);
  assert.match(problems(() => validateProducerOptions({ groupName: 'P', retryAnotherBrokerWhenNotStoreOK: 'yes' as never, namesrvAddr: 'a:1' })), /is not a boolean/);
  assert.match(
    problems(() => validateLitePullConsumerOptions({ groupName: 'G', namesrvAddr: 'a:1', brokerSuspendMaxTimeMillis: 30_000, consumerTimeoutMillisWhenSuspend: 20_000 })),
    /consumerTimeoutMillisWhenSuspend must greater than brokerSuspendMaxTimeMillis/,
  );
});

test('options - validation never mutates its input; NAMESRV_ADDR fills in a missing namesrvAddr', () => {
  const input = { groupName: 'P', sendMsgTimeout: 1000 };
  const saved = process.env['NAMESRV_ADDR'];
  process.env['NAMESRV_ADDR'] = '10.0.0.1:9876;10.0.0.2:9876';
  try {
    const options = validateProducerOptions(input);
    assert.equal(options.namesrvAddr, '10.0.0.1:9876;10.0.0.2:9876');
    assert.deepEqual(input, { groupName: 'P', sendMsgTimeout: 1000 });
  } finally {
    if (saved === undefined) delete process.env['NAMESRV_ADDR'];
    else process.env['NAMESRV_ADDR'] = saved;
  }
});

test('options - consumeTimestamp takes ms or Java\'s yyyyMMddHHmmss (local time)', () => {
  assert.equal(parseConsumeTimestamp('20240131235959'), new Date(2024, 0, 31, 23, 59, 59).getTime());
  assert.equal(parseConsumeTimestamp('20240230000000'), undefined, 'February 30th');
  assert.equal(parseConsumeTimestamp('2024013123595'), undefined);
  const options = validatePushConsumerOptions({ groupName: 'G', namesrvAddr: 'a:1', consumeTimestamp: '20240101000000', logger });
  assert.equal(options.consumeTimestamp, new Date(2024, 0, 1).getTime());
  assert.equal(validatePushConsumerOptions({ groupName: 'G', namesrvAddr: 'a:1', consumeTimestamp: 42, logger }).consumeTimestamp, 42);
});

test('options - serializeType is ROCKETMQ by default, ROCKETMQ_SERIALIZE_TYPE when set, and nothing else', () => {
  const saved = process.env['ROCKETMQ_SERIALIZE_TYPE'];
  try {
    delete process.env['ROCKETMQ_SERIALIZE_TYPE'];
    assert.equal(validateProducerOptions({ groupName: 'PID_x', namesrvAddr: '127.0.0.1:9876' }).serializeType, 'ROCKETMQ');
    process.env['ROCKETMQ_SERIALIZE_TYPE'] = 'JSON';
    assert.equal(validateProducerOptions({ groupName: 'PID_x', namesrvAddr: '127.0.0.1:9876' }).serializeType, 'JSON');
    assert.equal(validateProducerOptions({ groupName: 'PID_x', namesrvAddr: '127.0.0.1:9876', serializeType: 'ROCKETMQ' }).serializeType, 'ROCKETMQ');
    process.env['ROCKETMQ_SERIALIZE_TYPE'] = 'XML';
    assert.throws(() => validateProducerOptions({ groupName: 'PID_x', namesrvAddr: '127.0.0.1:9876' }), /serializeType: "XML" is not JSON or ROCKETMQ/);
  } finally {
    if (saved === undefined) delete process.env['ROCKETMQ_SERIALIZE_TYPE'];
    else process.env['ROCKETMQ_SERIALIZE_TYPE'] = saved;
  }
});
