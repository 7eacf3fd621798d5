import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyError } from '../errors.js';
import { decodeHeartbeatData, encodeHeartbeatData } from './heartbeat.js';

// The HeartbeatData ali-ons sends (docs: remoting.md 3.4).
const ALI_ONS = {
  clientID: '10.0.0.5@12345',
  consumerDataSet: [
    {
      groupName: 'GID_x',
      consumeType: 'CONSUME_PASSIVELY',
      messageModel: 'CLUSTERING',
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      unitMode: false,
      subscriptionDataSet: [
        {
          topic: 'T',
          subString: 'TagA || TagB',
          classFilterMode: false,
          tagsSet: ['TagA', 'TagB'],
          codeSet: [2598919, 2598920],
          subVersion: 1700000000000,
        },
      ],
    },
  ],
  producerDataSet: [{ groupName: 'PID_x' }, { groupName: 'CLIENT_INNER_PRODUCER' }],
};

test('heartbeat - decodes the body ali-ons sends, filling Java defaults', () => {
  const data = decodeHeartbeatData(Buffer.from(JSON.stringify(ALI_ONS)));
  assert.deepEqual(data, {
    clientID: '10.0.0.5@12345',
    producerDataSet: [{ groupName: 'PID_x' }, { groupName: 'CLIENT_INNER_PRODUCER' }],
    consumerDataSet: [
      {
        groupName: 'GID_x',
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        unitMode: false,
        subscriptionDataSet: [
          {
            topic: 'T',
            subString: 'TagA || TagB',
            tagsSet: ['TagA', 'TagB'],
            codeSet: [2598919, 2598920],
            subVersion: 1700000000000,
            expressionType: 'TAG',
            classFilterMode: false,
          },
        ],
      },
    ],
  });
  assert.deepEqual(decodeHeartbeatData(encodeHeartbeatData(data)), data);
});

test('heartbeat - a producer-only heartbeat, and Java extras, decode', () => {
  const data = decodeHeartbeatData(
    Buffer.from('{"clientID":"c@1","producerDataSet":[{"groupName":"P"}],"heartbeatFingerprint":0,"withoutSub":false}'),
  );
  assert.deepEqual(data, { clientID: 'c@1', producerDataSet: [{ groupName: 'P' }], consumerDataSet: [] });
  const broadcast = decodeHeartbeatData(
    Buffer.from('{"clientID":"c@DEFAULT","consumerDataSet":[{"groupName":"G","messageModel":"BROADCASTING","subscriptionDataSet":[{"topic":"T","expressionType":"SQL92","subString":"a > 1"}]}]}'),
  );
  assert.equal(broadcast.consumerDataSet[0]?.messageModel, 'BROADCASTING');
  assert.equal(broadcast.consumerDataSet[0]?.consumeType, 'CONSUME_PASSIVELY');
  assert.equal(broadcast.consumerDataSet[0]?.subscriptionDataSet[0]?.expressionType, 'SQL92');
});

test('heartbeat - bad shapes are BodyErrors that say where', () => {
  const consumer = ALI_ONS.consumerDataSet[0];
  const subscription = consumer?.subscriptionDataSet[0];
  const cases: [string, string | undefined, RegExp][] = [
    ['no body', undefined, /heartbeat: the request has no body/],
    ['not JSON', '{"clientID":', /not JSON/],
    ['array', '[]', /heartbeat is not an object/],
    ['no clientID', JSON.stringify({ ...ALI_ONS, clientID: undefined }), /heartbeat\.clientID is not a string/],
    ['numeric clientID', JSON.stringify({ ...ALI_ONS, clientID: 5 }), /heartbeat\.clientID is not a string/],
    ['consumerDataSet not array', JSON.stringify({ ...ALI_ONS, consumerDataSet: {} }), /heartbeat\.consumerDataSet is not an array/],
    ['producer without group', JSON.stringify({ ...ALI_ONS, producerDataSet: [{}] }), /producerDataSet\[0\]\.groupName is not a string/],
    ['producer not object', JSON.stringify({ ...ALI_ONS, producerDataSet: ['P'] }), /producerDataSet\[0\] is not an object/],
    ['bad group name', JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, groupName: 1 }] }), /consumerDataSet\[0\]\.groupName is not a string/],
    ['bad message model', JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, messageModel: 'BROADCAST' }] }), /messageModel is not one of BROADCASTING, CLUSTERING/],
    ['bad consume type', JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, consumeType: 'PUSH' }] }), /consumeType is not one of/],
    ['bad unitMode', JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, unitMode: 'no' }] }), /unitMode is not a boolean/],
    [
      'bad code set',
      JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, subscriptionDataSet: [{ ...subscription, codeSet: ['x'] }] }] }),
      /subscriptionDataSet\[0\]\.codeSet\[0\] is not an integer/,
    ],
    [
      'subscription without topic',
      JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, subscriptionDataSet: [{ subString: '*' }] }] }),
      /subscriptionDataSet\[0\]\.topic is not a string/,
    ],
    [
      'tags not array',
      JSON.stringify({ ...ALI_ONS, consumerDataSet: [{ ...consumer, subscriptionDataSet: [{ ...subscription, tagsSet: 'TagA' }] }] }),
      /tagsSet is not an array/,
    ],
  ];
  for (const [name, body, message] of cases) {
    assert.throws(
      () => decodeHeartbeatData(body === undefined ? undefined : Buffer.from(body)),
      (error: unknown) => error instanceof BodyError && message.test(error.message),
      name,
    );
  }
});
