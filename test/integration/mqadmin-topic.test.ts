/**
 * mqadmin-topic.test.ts: mqadmin's topic commands (updateTopic, updateTopicPerm, deleteTopic,
 * topicStatus, topicClusterList, updateTopicList, updateOrderConf, allocateMQ, cleanUnusedTopic)
 * as child processes against a NameServer + Broker started by the test: output and effect.
 */
import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Producer } from '../../src/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { FAST_CLIENT } from '../harness/client.js';
import { adminClient, startBroker, startNamesrv, tempDir, topicRoute, waitFor, type TestBroker, type TestNamesrv } from '../harness/cluster.js';
import { runToEnd } from '../harness/process.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
let producer: Producer;
let dir: string;

function mqadmin(...args: string[]) {
  return runToEnd('mqadmin', [...args, '-n', namesrv.address], { ...process.env, NAMESRV_ADDR: '' });
}

async function succeeded(...args: string[]): Promise<string> {
  const result = await mqadmin(...args);
  assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

async function routeWith(topic: string, check: (queue: { readQueueNums: number; writeQueueNums: number; perm: number }) => boolean) {
  return waitFor(async () => {
    const queue = (await topicRoute(admin, namesrv.address, topic))?.queueDatas[0];
    return queue !== undefined && check(queue) ? queue : undefined;
  }, `route of ${topic}`);
}

describe('mqadmin topics', { timeout: 180_000 }, () => {
  before(async () => {
    admin = adminClient();
    dir = await tempDir('mqadmin-topic');
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address, conf: { autoCreateTopicEnable: 'false' } });
    producer = new Producer({ ...FAST_CLIENT, groupName: 'PID_mqadmin_topic', namesrvAddr: namesrv.address });
    await producer.start();
  });

  after(async () => {
    await producer.shutdown();
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('mqadmin updateTopic - -b creates a routable topic with the given queues; a producer sends to it', async () => {
    const out = await succeeded('updateTopic', '-b', broker.address, '-t', 'MqTopicB', '-r', '3', '-w', '3');
    assert.equal(
      out,
      `create topic to ${broker.address} success.\n` +
        'TopicConfig [topicName=MqTopicB, readQueueNums=3, writeQueueNums=3, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={}]\n',
    );
    const queue = await routeWith('MqTopicB', (q) => q.writeQueueNums === 3);
    assert.deepEqual([queue.readQueueNums, queue.perm], [3, 6]);
    const route = JSON.parse(await succeeded('topicRoute', '-t', 'MqTopicB')) as { queueDatas: { writeQueueNums: number }[] };
    assert.equal(route.queueDatas[0]?.writeQueueNums, 3);
    const queues = new Set<number>();
    for (let index = 0; index < 6; index++) {
      const result = await producer.send({ topic: 'MqTopicB', body: `m${index}` });
      assert.equal(result.sendStatus, 'SEND_OK');
      queues.add(result.messageQueue.queueId);
    }
    assert.deepEqual([...queues].sort(), [0, 1, 2]);
  });

  test('mqadmin updateTopic - -c with -o true and -a sets the order conf and the attributes', async () => {
    const out = await succeeded('updateTopic', '-c', 'DefaultCluster', '-t', 'MqTopicOrder', '-w', '4', '-r', '4', '-o', 'true', '-a', '+message.type=FIFO');
    assert.equal(
      out,
      `create topic to ${broker.address} success.\n` +
        'set cluster orderConf. isOrder=true, orderConf=[broker-a:4]\n' +
        'TopicConfig [topicName=MqTopicOrder, readQueueNums=4, writeQueueNums=4, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=true, attributes={+message.type=FIFO}]\n',
    );
    const config = broker.broker.ctx.topics.get('MqTopicOrder');
    assert.equal(config?.order, true);
    assert.equal(config?.attributes['message.type'], 'FIFO');
    await routeWith('MqTopicOrder', (q) => q.writeQueueNums === 4);
    const get = await succeeded('updateOrderConf', '-t', 'MqTopicOrder', '-m', 'get');
    assert.equal(get, 'get orderConf success. topic=[MqTopicOrder], orderConf=[broker-a:4] \n');
  });

  test('mqadmin updateTopic - -b with -o true replaces only this broker\'s entry of the order conf', async () => {
    await succeeded('updateOrderConf', '-t', 'MqTopicOrderB', '-m', 'put', '-v', 'broker-x:2;broker-a:1');
    const out = await succeeded('updateTopic', '-b', broker.address, '-t', 'MqTopicOrderB', '-r', '3', '-w', '3', '-o', 'true');
    assert.equal(
      out,
      'set broker orderConf. isOrder=true, orderConf=[broker-a:3]\n' +
        `create topic to ${broker.address} success.\n` +
        'TopicConfig [topicName=MqTopicOrderB, readQueueNums=3, writeQueueNums=3, perm=RW-, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=true, attributes={}]\n',
    );
    assert.equal(await succeeded('updateOrderConf', '-t', 'MqTopicOrderB', '-m', 'get'), 'get orderConf success. topic=[MqTopicOrderB], orderConf=[broker-x:2;broker-a:3] \n');
  });

  test('mqadmin updateOrderConf - put, get and delete the order conf in every name server', async () => {
    assert.equal(await succeeded('updateOrderConf', '-t', 'MqOrderConf', '-m', 'put', '-v', 'broker-a:2;broker-b:2'), 'update orderConf success. topic=[MqOrderConf], orderConf=[broker-a:2;broker-b:2]\n');
    assert.equal(await succeeded('updateOrderConf', '-t', 'MqOrderConf', '-m', 'get'), 'get orderConf success. topic=[MqOrderConf], orderConf=[broker-a:2;broker-b:2] \n');
    assert.equal(await succeeded('updateOrderConf', '-t', 'MqOrderConf', '-m', 'delete'), 'delete orderConf success. topic=[MqOrderConf]\n');
    const gone = await mqadmin('updateOrderConf', '-t', 'MqOrderConf', '-m', 'get');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /No config item, Namespace: ORDER_TOPIC_CONFIG Key: MqOrderConf/);
    const noValue = await mqadmin('updateOrderConf', '-t', 'MqOrderConf', '-m', 'put');
    assert.equal(noValue.code, 1);
    assert.match(noValue.stderr, /please set orderConf with option -v\./);
    const noMethod = await mqadmin('updateOrderConf', '-t', 'MqOrderConf');
    assert.equal(noMethod.code, 1);
    assert.match(noMethod.stderr, /^Missing required option: m\nusage: mqadmin updateOrderConf /);
  });

  test('mqadmin updateTopic - a bad flag, no -b/-c, or a bad perm fails with a non-zero exit', async () => {
    const badFlag = await mqadmin('updateTopic', '-t', 'X', '-c', 'DefaultCluster', '-z');
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.stderr, /^Unrecognized option: -z\nusage: mqadmin updateTopic /);
    const neither = await mqadmin('updateTopic', '-t', 'X');
    assert.equal(neither.code, 1);
    assert.match(neither.stderr, /Missing required option: \[-b brokerAddr, -c clusterName\]/);
    const perm = await mqadmin('updateTopic', '-t', 'X', '-b', broker.address, '-p', '99');
    assert.equal(perm.code, 1);
    assert.match(perm.stderr, /topicPermission value: 99 is invalid\./);
    const badName = await mqadmin('updateTopic', '-t', 'bad topic', '-b', broker.address);
    assert.equal(badName.code, 1);
    assert.match(badName.stderr, /^updateTopic command failed: create topic bad topic on .*INVALID_PARAMETER/);
  });

  test('mqadmin updateTopicPerm - -b changes the perm on the master; the same perm again changes nothing', async () => {
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqTopicPerm', '-r', '2', '-w', '2');
    await routeWith('MqTopicPerm', (q) => q.perm === 6);
    const out = await succeeded('updateTopicPerm', '-b', broker.address, '-t', 'MqTopicPerm', '-p', '4');
    assert.equal(
      out,
      `update topic perm from 6 to 4 in ${broker.address} success.\n` +
        'TopicConfig [topicName=MqTopicPerm, readQueueNums=2, writeQueueNums=2, perm=R--, topicFilterType=SINGLE_TAG, topicSysFlag=0, order=false, attributes={}].\n',
    );
    assert.equal(broker.broker.ctx.topics.get('MqTopicPerm')?.perm, 4);
    await routeWith('MqTopicPerm', (q) => q.perm === 4);
    assert.equal(await succeeded('updateTopicPerm', '-b', broker.address, '-t', 'MqTopicPerm', '-p', '4'), 'new perm equals to the old one!\n');
    const byCluster = await succeeded('updateTopicPerm', '-c', 'DefaultCluster', '-t', 'MqTopicPerm', '-p', '6');
    assert.equal(byCluster, `update topic perm from 4 to 6 in ${broker.address} success.\n`);
    await routeWith('MqTopicPerm', (q) => q.perm === 6);
    const notMaster = await mqadmin('updateTopicPerm', '-b', '127.0.0.1:1', '-t', 'MqTopicPerm', '-p', '4');
    assert.equal(notMaster.code, 1);
    assert.match(notMaster.stderr, /broker not exit or broker is not master/);
  });

  test('mqadmin topicStatus - min and max offset and last store time per queue, sorted, then the put TPS', async () => {
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqTopicStatus', '-r', '2', '-w', '2');
    await routeWith('MqTopicStatus', (q) => q.writeQueueNums === 2);
    const results = [];
    for (let index = 0; index < 5; index++) results.push(await producer.send({ topic: 'MqTopicStatus', body: `s${index}` }, { queue: { topic: 'MqTopicStatus', brokerName: 'broker-a', queueId: 1 } }));
    const last = await broker.broker.ctx.store.getMessageStoreTimestamp('MqTopicStatus', 1, 4);
    assert.ok(last !== undefined && last > 0);
    const lines = (await succeeded('topicStatus', '-t', 'MqTopicStatus')).split('\n');
    assert.equal(lines[0], '#Broker Name                      #QID  #Min Offset           #Max Offset             #Last Updated');
    assert.equal(lines[1], 'broker-a                          0     0                     0                       ');
    assert.match(lines[2] ?? '', /^broker-a {26}1 {5}0 {21}5 {23}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$/);
    const printed = (lines[2] ?? '').slice(-23);
    const expected = new Date(last);
    assert.equal(printed.slice(0, 10), `${expected.getFullYear()}-${String(expected.getMonth() + 1).padStart(2, '0')}-${String(expected.getDate()).padStart(2, '0')}`);
    assert.equal(printed.slice(-3), String(expected.getMilliseconds()).padStart(3, '0'));
    assert.equal(lines[3], '');
    assert.match(lines[4] ?? '', /^Topic Put TPS: \d+(\.\d+)?(E-?\d+)?$/);
    const byCluster = await succeeded('topicStatus', '-t', 'MqTopicStatus', '-c', 'DefaultCluster');
    assert.match(byCluster, /^broker-a {26}1 {5}0 {21}5 /m);
    const missing = await mqadmin('topicStatus', '-t', 'NoSuchTopicStatus');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^topicStatus command failed: .*TOPIC_NOT_EXIST/);
  });

  test('mqadmin topicClusterList - prints the clusters serving the topic', async () => {
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqTopicCluster', '-r', '1', '-w', '1');
    await routeWith('MqTopicCluster', (q) => q.writeQueueNums === 1);
    assert.equal(await succeeded('topicClusterList', '-t', 'MqTopicCluster'), 'DefaultCluster\n');
    const missing = await mqadmin('topicClusterList', '-t', 'NoSuchTopicCluster');
    assert.equal(missing.code, 1);
  });

  test('mqadmin deleteTopic - removes the topic from the broker and the name server', async () => {
    await succeeded('updateTopic', '-c', 'DefaultCluster', '-t', 'MqTopicDelete', '-r', '2', '-w', '2');
    await routeWith('MqTopicDelete', (q) => q.writeQueueNums === 2);
    await producer.send({ topic: 'MqTopicDelete', body: 'doomed' });
    const out = await succeeded('deleteTopic', '-t', 'MqTopicDelete', '-c', 'DefaultCluster');
    assert.equal(out, 'delete topic [MqTopicDelete] from cluster [DefaultCluster] success.\ndelete topic [MqTopicDelete] from NameServer success.\n');
    assert.equal(broker.broker.ctx.topics.get('MqTopicDelete'), undefined);
    assert.equal(await topicRoute(admin, namesrv.address, 'MqTopicDelete'), undefined);
    assert.equal(broker.broker.ctx.store.getMaxOffsetInQueue('MqTopicDelete', 0), 0);
    const noCluster = await mqadmin('deleteTopic', '-t', 'MqTopicDelete');
    assert.equal(noCluster.code, 1);
    assert.match(noCluster.stderr, /^Missing required option: c\n/);
    const unknownCluster = await mqadmin('deleteTopic', '-t', 'MqTopicDelete', '-c', 'NoCluster');
    assert.equal(unknownCluster.code, 1);
  });

  test('mqadmin updateTopicList - creates every topic of a TopicConfig JSON file on a broker or a cluster', async () => {
    const file = join(dir, 'topics.json');
    await writeFile(file, JSON.stringify([
      { topicName: 'MqListA', readQueueNums: 2, writeQueueNums: 2, perm: 6 },
      { topicName: 'MqListB', readQueueNums: 3, writeQueueNums: 3, perm: 6, order: true, attributes: { '+message.type': 'FIFO' } },
    ]));
    assert.equal(await succeeded('updateTopicList', '-b', broker.address, '-f', file), `submit batch of topic config to ${broker.address} success, please check the result later.\n`);
    await routeWith('MqListA', (q) => q.writeQueueNums === 2);
    await routeWith('MqListB', (q) => q.writeQueueNums === 3);
    assert.equal(broker.broker.ctx.topics.get('MqListB')?.attributes['message.type'], 'FIFO');
    assert.equal((await producer.send({ topic: 'MqListA', body: 'listed' })).sendStatus, 'SEND_OK');
    await writeFile(file, JSON.stringify([{ topicName: 'MqListC' }]));
    assert.equal(await succeeded('updateTopicList', '-c', 'DefaultCluster', '-f', file), `submit batch of topic config to ${broker.address} success, please check the result later.\n`);
    const defaults = await routeWith('MqListC', (q) => q.writeQueueNums === 16);
    assert.equal(defaults.readQueueNums, 16);
    await writeFile(file, JSON.stringify([{ topicName: 'MqListD' }, { topicName: 'bad topic' }]));
    const bad = await mqadmin('updateTopicList', '-b', broker.address, '-f', file);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /INVALID_PARAMETER/);
    assert.equal(broker.broker.ctx.topics.get('MqListD'), undefined, 'one bad entry refuses the whole list');
    const missing = await mqadmin('updateTopicList', '-b', broker.address, '-f', join(dir, 'none.json'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /the file path .*none\.json does not exists/);
    await writeFile(file, '{not json');
    const garbage = await mqadmin('updateTopicList', '-b', broker.address, '-f', file);
    assert.equal(garbage.code, 1);
    assert.doesNotMatch(garbage.stderr, /\n\s+at /);
    const noFile = await mqadmin('updateTopicList', '-b', broker.address);
    assert.equal(noFile.code, 1);
    assert.match(noFile.stderr, /^Missing required option: f\nusage: mqadmin updateTopicList /);
  });

  test('mqadmin allocateMQ - splits the readable queues among the ids as AllocateMessageQueueAveragely does', async () => {
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqAllocate', '-r', '5', '-w', '5');
    await routeWith('MqAllocate', (q) => q.readQueueNums === 5);
    const out = await succeeded('allocateMQ', '-t', 'MqAllocate', '-i', '10.0.0.1,10.0.0.2');
    const queue = (queueId: number) => ({ brokerName: 'broker-a', queueId, topic: 'MqAllocate' });
    assert.deepEqual(JSON.parse(out), { result: { '10.0.0.1': [queue(0), queue(1), queue(2)], '10.0.0.2': [queue(3), queue(4)] } });
    assert.match(out, /^\{"result":\{"10\.0\.0\.1":\[\{"brokerName":"broker-a","queueId":0,"topic":"MqAllocate"\}/);
    const missing = await mqadmin('allocateMQ', '-t', 'MqAllocate');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Missing required option: i\n/);
  });

  test('mqadmin cleanUnusedTopic - drops the queues of topics the broker no longer has a config for', async () => {
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqUnused', '-r', '1', '-w', '1');
    await succeeded('updateTopic', '-b', broker.address, '-t', 'MqUsed', '-r', '1', '-w', '1');
    await routeWith('MqUnused', (q) => q.writeQueueNums === 1);
    await routeWith('MqUsed', (q) => q.writeQueueNums === 1);
    await producer.send({ topic: 'MqUnused', body: 'left behind' });
    await producer.send({ topic: 'MqUsed', body: 'kept' });
    const store = broker.broker.ctx.store;
    await waitFor(() => store.consumeQueueTopics().includes('MqUnused') && store.consumeQueueTopics().includes('MqUsed'), 'both queues');
    broker.broker.ctx.topics.delete('MqUnused'); // as if topics.json had lost it
    assert.equal(await succeeded('cleanUnusedTopic', '-b', broker.address), 'success\n');
    assert.ok(!store.consumeQueueTopics().includes('MqUnused'));
    assert.ok(store.consumeQueueTopics().includes('MqUsed'));
    assert.equal(store.getMaxOffsetInQueue('MqUsed', 0), 1);
    assert.equal(await succeeded('cleanUnusedTopic', '-c', 'DefaultCluster'), 'success\n');
    assert.equal(await succeeded('cleanUnusedTopic'), 'success\n');
    assert.equal(await succeeded('cleanUnusedTopic', '-c', 'NoSuchCluster'), 'false\n');
    assert.ok(store.consumeQueueTopics().includes('MqUsed'));
  });
});
