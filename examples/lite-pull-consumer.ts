/**
 * lite-pull-consumer.ts: pull at your own pace (RocketMQ's LitePullConsumer examples): subscribe
 * and iterate with `for await`, offsets committed automatically every 5 s; then take one queue by
 * assign(), seek it back to its beginning and poll it.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/lite-pull-consumer.js
 */
import { LitePullConsumer } from '../src/index.js';

const namesrvAddr = process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876';

const subscriber = new LitePullConsumer({ groupName: 'lite_pull_consumer_test', namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
subscriber.subscribe('TopicTest', '*');
await subscriber.start();
let count = 0;
for await (const message of subscriber) {
  console.log(`subscribe: ${message.queueId}:${message.queueOffset} ${message.body.toString()}`);
  if (++count >= 10) break;
}
await subscriber.shutdown();

const assigned = new LitePullConsumer({ groupName: 'lite_pull_consumer_assign', namesrvAddr, autoCommit: false });
const queues = await assigned.fetchMessageQueues('TopicTest');
const queue = queues[0];
if (queue !== undefined) {
  assigned.assign([queue]);
  await assigned.start();
  await assigned.seekToBegin(queue);
  const messages = await assigned.poll(3000);
  for (const message of messages) console.log(`assign: ${message.queueId}:${message.queueOffset} ${message.body.toString()}`);
  await assigned.commit();
  await assigned.shutdown();
}
