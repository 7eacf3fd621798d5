/**
 * broadcast-consumer.ts: a BROADCASTING consumer (RocketMQ's broadcast example): every client of
 * the group gets every message of TopicTest tagged TagA, TagC or TagD. Each client keeps its own
 * offsets in ~/.rocketmq_offsets/<clientId>/<group>/offsets.json. Start two and compare.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/broadcast-consumer.js
 */
import { ConsumeResult, PushConsumer } from '../src/index.js';

const consumer = new PushConsumer({
  groupName: 'please_rename_unique_group_name_1',
  namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876',
  messageModel: 'BROADCASTING',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
  // Two clients on one machine need different instance names: the client id names the offsets file.
  instanceName: process.env['INSTANCE_NAME'] ?? `broadcast-${process.pid}`,
});
consumer.subscribe('TopicTest', 'TagA || TagC || TagD');
consumer.onMessage((messages) => {
  for (const message of messages) console.log(`Receive New Messages: ${message.msgId} ${message.tags ?? ''} ${message.body.toString()}`);
  return ConsumeResult.SUCCESS;
});
await consumer.start();
console.log('Broadcast Consumer Started.');
process.once('SIGINT', () => void consumer.shutdown());
