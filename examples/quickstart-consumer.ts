/**
 * quickstart-consumer.ts: RocketMQ's quickstart Consumer: every message of TopicTest, printed.
 * Stop it with Ctrl-C: it finishes what it is consuming and commits its offsets first.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/quickstart-consumer.js
 */
import { ConsumeResult, PushConsumer } from '../src/index.js';

const consumer = new PushConsumer({
  groupName: 'please_rename_unique_group_name_4',
  namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe('TopicTest', '*');
consumer.onMessage(async (messages) => {
  for (const message of messages) console.log(`Receive New Messages: ${message.msgId} ${message.tags ?? ''} ${message.body.toString()}`);
  return ConsumeResult.SUCCESS;
});
await consumer.start();
console.log('Consumer Started.');
process.once('SIGINT', () => void consumer.shutdown().then(() => console.log('Consumer stopped.')));
