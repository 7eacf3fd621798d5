/**
 * ordered-producer.ts: ordered messages (RocketMQ's ordermessage Producer): every message of one
 * order goes to the same queue, chosen by a selector on the order id, so a consumer sees each
 * order's steps in sequence: run ordered-consumer.ts (an orderly PushConsumer) to see them.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/ordered-producer.js
 */
import { Message, Producer, type MessageQueueSelector } from '../src/index.js';

const tags = ['TagA', 'TagB', 'TagC', 'TagD', 'TagE'];
/** Java's example selector: orderId % queue count. */
const byOrderId: MessageQueueSelector = (queues, message) => {
  const orderId = Number(message.getProperty('orderId'));
  const queue = queues[orderId % queues.length];
  if (queue === undefined) throw new Error('no queue');
  return queue;
};

const producer = new Producer({ groupName: 'please_rename_unique_group_name', namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876' });
await producer.start();
try {
  for (let index = 0; index < 100; index++) {
    const orderId = index % 10;
    const message = new Message({ topic: 'TopicTest', tags: tags[index % tags.length], keys: `KEY${index}`, body: `Hello RocketMQ ${index}`, properties: { orderId: String(orderId) } });
    const result = await producer.send(message, { selector: byOrderId });
    console.log(`order ${orderId} → queue ${result.messageQueue.queueId} offset ${result.queueOffset}`);
  }
} finally {
  await producer.shutdown();
}
