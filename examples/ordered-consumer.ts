/**
 * ordered-consumer.ts: RocketMQ's ordermessage Consumer: an orderly PushConsumer. It locks each
 * queue it consumes on the broker and hands the listener one batch of a queue at a time, in queue
 * order, so every order sent by ordered-producer.ts is seen step by step. Returning
 * SUSPEND_CURRENT_QUEUE_A_MOMENT consumes the same message again a moment later (here: every tenth
 * message once); nothing after it in its queue is consumed before it. Ctrl-C stops it after the
 * running batch, commits the offsets and gives the locks back.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/ordered-consumer.js
 */
import { ConsumeResult, PushConsumer, type ConsumeOrderlyContext, type MessageExt } from '../src/index.js';

const consumer = new PushConsumer({
  groupName: 'please_rename_unique_group_name_3',
  namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876',
  consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
});
consumer.subscribe('TopicTest', 'TagA || TagC || TagD');
let consumed = 0;
consumer.onMessageOrderly((messages: MessageExt[], context: ConsumeOrderlyContext) => {
  for (const message of messages) {
    console.log(`queue ${context.messageQueue.queueId} order ${message.properties['orderId'] ?? '-'}: ${message.tags ?? ''} ${message.body.toString()} (reconsumeTimes ${message.reconsumeTimes})`);
  }
  if (++consumed % 10 === 0 && messages.every((message) => message.reconsumeTimes === 0)) {
    context.suspendCurrentQueueTimeMillis = 3000;
    return ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
  }
  return ConsumeResult.SUCCESS;
});
await consumer.start();
console.log('Consumer Started.');
process.once('SIGINT', () => void consumer.shutdown().then(() => console.log('Consumer stopped.')));
