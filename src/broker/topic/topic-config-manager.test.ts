import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { PermName } from '../../protocol/index.js';
import { ManualClock } from '../../time/index.js';
import { loadBrokerConfig } from '../config.js';
import { TopicConfigManager, newTopicConfig } from './topic-config-manager.js';

function config(entries: Record<string, string> = {}) {
  return loadBrokerConfig(Object.entries({ brokerName: 'broker-a', ...entries }).map(([key, value]) => ({ key, value, source: 'test' }))).broker;
}

test('topic-config-manager - has RocketMQ\'s system topics, TBW102 only with autoCreateTopicEnable', () => {
  const manager = new TopicConfigManager(config(), '/nonexistent/topics.json', new ManualClock(1), testLogger(), () => {});
  assert.equal(manager.get('TBW102')?.perm, PermName.INHERIT | PermName.READ | PermName.WRITE);
  assert.equal(manager.get('TBW102')?.writeQueueNums, 8);
  for (const topic of ['SELF_TEST_TOPIC', 'BenchmarkTest', 'DefaultCluster', 'broker-a', 'OFFSET_MOVED_EVENT', 'SCHEDULE_TOPIC_XXXX']) {
    assert.ok(manager.get(topic), topic);
    assert.ok(manager.isSystemTopic(topic), topic);
  }
  const without = new TopicConfigManager(config({ autoCreateTopicEnable: 'false' }), '/nonexistent/topics.json', new ManualClock(1), testLogger(), () => {});
  assert.equal(without.get('TBW102'), undefined);
});

test('topic-config-manager - a send creates a topic from the template, without INHERIT, and bumps the data version', () => {
  let changes = 0;
  const manager = new TopicConfigManager(config(), '/nonexistent/topics.json', new ManualClock(5), testLogger(), () => changes++);
  const before = manager.dataVersion.counter;
  const created = manager.createInSendMessage('NewTopic', 'TBW102', '1.2.3.4:5', 4, 0);
  assert.equal(created?.readQueueNums, 4);
  assert.equal(created?.perm, PermName.READ | PermName.WRITE);
  assert.equal(manager.createInSendMessage('Other', 'TBW102', '1.2.3.4:5', 100, 0)?.writeQueueNums, 8, 'capped by the template');
  assert.equal(manager.createInSendMessage('Nope', 'NoTemplate', '1.2.3.4:5', 4, 0), undefined);
  manager.update(newTopicConfig('Plain', { perm: PermName.READ | PermName.WRITE }));
  assert.equal(manager.createInSendMessage('Nope2', 'Plain', '1.2.3.4:5', 4, 0), undefined, 'a template without INHERIT');
  assert.equal(changes, 3);
  assert.equal(manager.dataVersion.counter, before + 3);
});

test('topic-config-manager - persists topics.json and reloads it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'topics-'));
  try {
    const path = join(dir, 'topics.json');
    const manager = new TopicConfigManager(config(), path, new ManualClock(5), testLogger(), () => {});
    manager.update(newTopicConfig('Orders', { readQueueNums: 3, writeQueueNums: 3, order: true, attributes: { 'message.type': 'FIFO' } }));
    await manager.flush();
    const json = JSON.parse(await readFile(path, 'utf8')) as { topicConfigTable: Record<string, unknown> };
    assert.deepEqual(json.topicConfigTable['Orders'], {
      attributes: { 'message.type': 'FIFO' },
      order: true,
      perm: 6,
      readQueueNums: 3,
      topicFilterType: 'SINGLE_TAG',
      topicName: 'Orders',
      topicSysFlag: 0,
      writeQueueNums: 3,
    });
    const again = new TopicConfigManager(config(), path, new ManualClock(9), testLogger(), () => {});
    await again.load();
    assert.deepEqual(again.get('Orders'), manager.get('Orders'));
    assert.deepEqual(again.dataVersion, manager.dataVersion);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
