/**
 * batch-producer.ts: several messages of one topic in one SEND_BATCH_MESSAGE (RocketMQ's batch
 * example). A batch must stay under maxMessageSize (4 MiB) and may not use delay levels.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/batch-producer.js
 */
import { Message, Producer } from '../src/index.js';

const producer = new Producer({ groupName: 'BatchProducerGroupName', namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876' });
await producer.start();
try {
  const messages = [
    new Message({ topic: 'BatchTest', tags: 'TagA', keys: 'OrderID001', body: 'Hello world 0' }),
    new Message({ topic: 'BatchTest', tags: 'TagA', keys: 'OrderID002', body: 'Hello world 1' }),
    new Message({ topic: 'BatchTest', tags: 'TagA', keys: 'OrderID003', body: 'Hello world 2' }),
  ];
  const result = await producer.sendBatch(messages);
  console.log(`${result.sendStatus} msgIds=${result.msgId} queue=${result.messageQueue.queueId} firstOffset=${result.queueOffset}`);
} finally {
  await producer.shutdown();
}
