/**
 * broker-sql92.test.ts: SQL92 subscriptions filtered on the broker (enablePropertyFilter=true),
 * with raw PULL_MESSAGE requests (the subscription in the request, or from the heartbeat),
 * CHECK_CLIENT_CONFIG, ali-ons' subscribe({ expressionType: 'SQL92', subString }) and our SDK's
 * PushConsumer; refusals: a bad expression is SUBSCRIPTION_PARSE_FAILED (23) saying where, and a
 * broker with the property filter off answers SYSTEM_ERROR.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Consumer, Message as OnsMessage, Producer as OnsProducer, type OnsLogger } from 'ali-ons';
import { Message, Producer } from '../../src/index.js';
import { PullMessageResponseHeader, PullSysFlag, RequestCode, ResponseCode, type RemotingCommand } from '../../src/protocol/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv, waitFor } from '../harness/cluster.js';
import { decodeRecords, pullMessage, recordProperties, REQUEST_TIMEOUT_MS, sendMessage, sendResult } from '../harness/broker-requests.js';
import { collect, FAST_CLIENT, shutdownCollectors } from '../harness/client.js';

const EXPRESSION = "a BETWEEN 10 AND 29 AND (color = 'red' OR color IS NULL) AND TAGS <> 'skip'";
const COUNT = 60;

/** Properties of message `index`: a = index except every 7th, color red/blue/none, a TAGS word. */
function propertiesOf(index: number): Record<string, string> {
  const properties: Record<string, string> = { TAGS: index % 5 === 0 ? 'skip' : 'keep' };
  if (index % 7 !== 0) properties['a'] = String(index);
  if (index % 3 === 0) properties['color'] = 'red';
  else if (index % 3 === 1) properties['color'] = 'blue';
  return properties;
}

/** The same rule as EXPRESSION, in JS. */
function expected(count: number): number[] {
  const matching: number[] = [];
  for (let index = 0; index < count; index++) {
    const properties = propertiesOf(index);
    const a = properties['a'] === undefined ? undefined : Number(properties['a']);
    if (a !== undefined && a >= 10 && a <= 29 && (properties['color'] === 'red' || properties['color'] === undefined) && properties['TAGS'] !== 'skip') matching.push(index);
  }
  return matching;
}

const quietLogger: OnsLogger = { info() {}, debug() {}, warn() {}, error() {} };
const ONS_FAST = { rebalanceInterval: 500, persistConsumerOffsetInterval: 500, heartbeatBrokerInterval: 1000, pollNameServerInteval: 1000 };

let namesrv: TestNamesrv;
let broker: TestBroker;
let off: TestBroker;
let admin: RemotingClient;

/** Every message a pull loop gets from offset 0 to the end of queue 0. */
async function pullEverything(topic: string, options: { group: string; sysFlag: number; subscription?: string; expressionType?: string; subVersion?: number }): Promise<number[]> {
  const bodies: number[] = [];
  let offset = 0;
  for (let rounds = 0; rounds < 1000; rounds++) {
    const response = await pullMessage(admin, broker.address, { ...options, topic, offset, maxMsgNums: 8 });
    const header = PullMessageResponseHeader.decode(response.extFields);
    if (response.code === ResponseCode.SUCCESS) bodies.push(...decodeRecords(response.body).map((record) => Number(record.body.toString())));
    else assert.ok(response.code === ResponseCode.PULL_RETRY_IMMEDIATELY || response.code === ResponseCode.PULL_NOT_FOUND, `${response.code} ${response.remark ?? ''}`);
    if (header.nextBeginOffset >= header.maxOffset) return bodies;
    offset = header.nextBeginOffset;
  }
  throw new Error('the pulls never reached the end of the queue');
}

function checkClientConfig(address: string, expressionType: string, subString: string): Promise<RemotingCommand> {
  const body = Buffer.from(JSON.stringify({ clientId: '127.0.0.1@sql', group: 'GID_sql_check', subscriptionData: { topic: 'SqlTopic', subString, expressionType, subVersion: 1, tagsSet: [], codeSet: [], classFilterMode: false } }));
  return admin.invoke(address, { code: RequestCode.CHECK_CLIENT_CONFIG, extFields: {}, body }, REQUEST_TIMEOUT_MS);
}

describe('broker SQL92 filters', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: { enablePropertyFilter: 'true' } });
    off = await startBroker({ namesrvAddr: namesrv.address, brokerName: 'broker-sql-off' });
    await createTopic(admin, broker.address, namesrv.address, 'SqlTopic', 1);
    for (let index = 0; index < COUNT; index++) {
      sendResult(await sendMessage(admin, broker.address, { topic: 'SqlTopic', body: String(index), properties: propertiesOf(index) }));
    }
  });

  after(async () => {
    await shutdownCollectors();
    await OnsProducer.defaultProducer?.close();
    OnsProducer.defaultProducer = null;
    await admin.close();
    await off.stop(true);
    await broker.stop(true);
    await namesrv.stop();
  });

  test('broker sql92 - a pull carrying an SQL92 subscription gets exactly the matching messages', async () => {
    const bodies = await pullEverything('SqlTopic', { group: 'GID_sql_pull', sysFlag: PullSysFlag.SUBSCRIPTION, subscription: EXPRESSION, expressionType: 'SQL92' });
    assert.deepEqual(bodies, expected(COUNT));
    assert.ok(expected(COUNT).length > 3 && expected(COUNT).length < COUNT / 4, 'the filter keeps some and drops most');
  });

  test("broker sql92 - a pull without the subscription uses the heartbeat's SQL92 subscription", async () => {
    const subscription = { topic: 'SqlTopic', subString: "color = 'blue' AND a > 40", expressionType: 'SQL92', subVersion: 5, tagsSet: [], codeSet: [], classFilterMode: false };
    const body = Buffer.from(JSON.stringify({ clientID: '127.0.0.1@sql-hb', consumerDataSet: [{ groupName: 'GID_sql_hb', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', subscriptionDataSet: [subscription], unitMode: false }], producerDataSet: [] }));
    const client = adminClient();
    try {
      assert.equal((await client.invoke(broker.address, { code: RequestCode.HEART_BEAT, extFields: {}, body }, REQUEST_TIMEOUT_MS)).code, ResponseCode.SUCCESS);
      const bodies = await pullEverything('SqlTopic', { group: 'GID_sql_hb', sysFlag: 0, subVersion: 5 });
      const blueOver40 = Array.from({ length: COUNT }, (_, index) => index).filter((index) => index % 3 === 1 && index % 7 !== 0 && index > 40);
      assert.deepEqual(bodies, blueOver40);
    } finally {
      await client.close();
    }
  });

  test('broker sql92 - a bad expression is SUBSCRIPTION_PARSE_FAILED saying where; CHECK_CLIENT_CONFIG checks it first', async () => {
    const response = await pullMessage(admin, broker.address, { group: 'GID_sql_bad', topic: 'SqlTopic', subscription: "a > 1 AND color = 'red", expressionType: 'SQL92' });
    assert.equal(response.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.equal(response.remark, "parse the consumer's subscription [a > 1 AND color = 'red] failed at line 1, column 19: unterminated string literal");
    const operator = await pullMessage(admin, broker.address, { group: 'GID_sql_bad', topic: 'SqlTopic', subscription: 'a >> 1', expressionType: 'SQL92' });
    assert.equal(operator.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.match(operator.remark ?? '', /at line 1, column 4: unexpected ">"/);
    const check = await checkClientConfig(broker.address, 'SQL92', 'a IN (1)');
    assert.equal(check.code, ResponseCode.SUBSCRIPTION_PARSE_FAILED);
    assert.match(check.remark ?? '', /at line 1, column 7: unexpected "1"; expected a string literal/);
    assert.equal((await checkClientConfig(broker.address, 'SQL92', "a IN ('1')")).code, ResponseCode.SUCCESS);
    assert.equal((await checkClientConfig(broker.address, 'TAG', 'TagA || TagB')).code, ResponseCode.SUCCESS);
  });

  test('broker sql92 - with enablePropertyFilter off (the default) SQL92 is SYSTEM_ERROR, tags still work', async () => {
    await createTopic(admin, off.address, namesrv.address, 'SqlOff', 1);
    sendResult(await sendMessage(admin, off.address, { topic: 'SqlOff', properties: { TAGS: 'TagA', a: '1' } }));
    const refused = await pullMessage(admin, off.address, { group: 'GID_sql_off', topic: 'SqlOff', subscription: 'a = 1', expressionType: 'SQL92' });
    assert.equal(refused.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(refused.remark, 'The broker does not support consumer to filter message by SQL92');
    const check = await checkClientConfig(off.address, 'SQL92', 'a = 1');
    assert.equal(check.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(check.remark, 'The broker does not support consumer to filter message by SQL92');
    const tagged = await pullMessage(admin, off.address, { group: 'GID_sql_off', topic: 'SqlOff', subscription: 'TagA' });
    assert.equal(tagged.code, ResponseCode.SUCCESS);
    assert.equal(recordProperties(decodeRecords(tagged.body)[0] ?? assert.fail('no record')).get('a'), '1');
  });

  test("broker sql92 - ali-ons' subscribe({ expressionType: 'SQL92', subString }) gets exactly the matching messages", async () => {
    const topic = 'SqlAliOns';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    const producer = new OnsProducer({ ...ONS_FAST, httpclient: {}, nameSrv: namesrv.address, logger: quietLogger, instanceName: `sql-ons-p-${process.pid}`, producerGroup: 'PID_sql_ons' });
    const errors: unknown[] = [];
    producer.on('error', (error) => errors.push(error));
    await producer.ready();
    const received: number[] = [];
    const consumer = new Consumer({ ...ONS_FAST, httpclient: {}, nameSrv: namesrv.address, logger: quietLogger, instanceName: `sql-ons-c-${process.pid}`, consumerGroup: 'GID_sql_ons', consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    // ali-ons reports the not-yet-created %RETRY% route as an error; it is not one of ours.
    consumer.on('error', (error) => errors.push(error));
    try {
      for (let index = 0; index < COUNT; index++) {
        const message = new OnsMessage(topic, propertiesOf(index)['TAGS'] ?? null, String(index));
        for (const [name, value] of Object.entries(propertiesOf(index))) if (name !== 'TAGS') message.properties[name] = value;
        await producer.send(message);
      }
      const sentinel = new OnsMessage(topic, 'keep', 'sentinel');
      Object.assign(sentinel.properties, { a: '20', color: 'red' });
      await producer.send(sentinel);
      // ali-ons takes this object form; its bundled types only declare the string one.
      const subscribe = consumer.subscribe.bind(consumer) as unknown as (topic: string, expression: { expressionType: string; subString: string }, handler: (message: OnsMessage) => Promise<void>) => void;
      subscribe(topic, { expressionType: 'SQL92', subString: EXPRESSION }, async (message) => {
        received.push(message.body.toString() === 'sentinel' ? -1 : Number(message.body.toString()));
      });
      // The queue keeps its order: once the sentinel (the last message) is here, every earlier match is too.
      await waitFor(() => received.includes(-1), 'the sentinel');
      assert.deepEqual(received.filter((index) => index >= 0).sort((x, y) => x - y), expected(COUNT));
    } finally {
      await consumer.close();
      await producer.close();
    }
  });

  test('broker sql92 - the SDK PushConsumer with { type: SQL92 } gets exactly the matching messages', async () => {
    const topic = 'SqlSdk';
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    const producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_sql_sdk', namesrvAddr: namesrv.address });
    await producer.start();
    const collector = await collect(namesrv.address, 'GID_sql_sdk', topic, { expression: { type: 'SQL92', expression: EXPRESSION } });
    try {
      for (let index = 0; index < COUNT; index++) {
        const { TAGS: tags, ...properties } = propertiesOf(index);
        await producer.send(new Message({ topic, tags, body: String(index), properties }));
      }
      await producer.send(new Message({ topic, tags: 'keep', body: 'sentinel', properties: { a: '20', color: 'red' } }));
      await waitFor(() => collector.bodies().includes('sentinel'), 'the sentinel');
      const bodies = collector.bodies().filter((body) => body !== 'sentinel').map(Number).sort((x, y) => x - y);
      assert.deepEqual([...new Set(bodies)], expected(COUNT));
    } finally {
      await collector.consumer.shutdown();
      await producer.shutdown();
    }
  });
});
