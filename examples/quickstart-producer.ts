/**
 * quickstart-producer.ts: RocketMQ's quickstart Producer: 1,000 messages to TopicTest with tag TagA.
 *
 *   npm start                                  # a NameServer and a Broker (another terminal)
 *   npm run build && npx tsc -p examples && node dist/examples/quickstart-producer.js
 *
 * The name server is NAMESRV_ADDR, else 127.0.0.1:9876.
 */
import { Message, Producer } from '../src/index.js';

const producer = new Producer({ groupName: 'please_rename_unique_group_name', namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876' });
await producer.start();
try {
  for (let index = 0; index < 1000; index++) {
    const result = await producer.send(new Message({ topic: 'TopicTest', tags: 'TagA', body: `Hello RocketMQ ${index}` }));
    console.log(`${result.sendStatus} msgId=${result.msgId} queue=${result.messageQueue.queueId} offset=${result.queueOffset}`);
  }
} finally {
  await producer.shutdown();
}
