// mqadmin printMsg -t <topic> [-c <charset>] [-s <subExpression>] [-b <begin>] [-e <end>] [-d <printBody>]
// (PrintMessageSubCommand): every message of every queue of a topic, pulled 32 at a time with the
// client SDK's PullConsumer from the queue's min offset (or the offset of -b, by
// SEARCH_OFFSET_BY_TIMESTAMP) to its max offset (or the offset of -e). Times are ms or
// yyyy-MM-dd#HH:mm:ss:SSS.
import { MessageQueue, type PullConsumer } from '../../client/index.js';
import { booleanValue, option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { printMessageLine } from '../ops/message-format.js';
import { charsetDecoder, clientCall, fromPulled, toolsPullConsumer } from '../ops/message.js';
import { queueRange, timeRangeOf, type TimeRange } from '../ops/message-pull.js';

/** Pulls of 32 a queue may take at most (a bound on the loop: 32 million messages). */
const PULLS_PER_QUEUE_MAX = 1_000_000;

async function printQueue(ctx: AdminContext, consumer: PullConsumer, queue: MessageQueue, range: TimeRange, expression: string, body: ((bytes: Buffer) => string) | undefined): Promise<void> {
  const { minOffset, maxOffset } = await queueRange(consumer, queue, range);
  ctx.out(`minOffset=${minOffset}, maxOffset=${maxOffset}, ${queue.toString()}`);
  let offset = minOffset;
  for (let pulls = 0; offset < maxOffset && pulls < PULLS_PER_QUEUE_MAX; pulls++) {
    let result;
    try {
      result = await consumer.pull(queue, expression, offset, 32);
    } catch (error) {
      ctx.err(`${queue.toString()} pull failed: ${(error as Error).message}`);
      break;
    }
    offset = result.nextBeginOffset;
    if (result.status === 'FOUND') {
      for (const message of result.messages) ctx.out(printMessageLine(fromPulled(message), body?.(message.body)));
    } else if (result.status === 'NO_MATCHED_MSG') {
      ctx.out(`${queue.toString()} no matched msg. status=${result.status}, offset=${offset}`);
    } else {
      ctx.out(`${queue.toString()} print msg finished. status=${result.status}, offset=${offset}`);
      break;
    }
  }
  ctx.out('--------------------------------------------------------');
}

export const printMsgCommand: AdminCommand = {
  name: 'printMsg',
  description: 'Print Message Detail.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.optional('c', 'charsetName', 'CharsetName(eg: UTF-8,GBK)'),
    option.optional('s', 'subExpression', 'Subscribe Expression(eg: TagA || TagB)'),
    option.optional('b', 'beginTimestamp', 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('e', 'endTimestamp', 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('d', 'printBody', 'print body'),
    option.optional('l', 'lmqParentTopic', 'Lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const charset = charsetDecoder(typeof values['charsetName'] === 'string' ? values['charsetName'] : 'UTF-8');
    const expression = typeof values['subExpression'] === 'string' ? values['subExpression'].trim() : '*';
    const printBody = booleanValue(values, 'printBody', true);
    const range = timeRangeOf(values, 'beginTimestamp', 'endTimestamp');
    const routeTopic = typeof values['lmqParentTopic'] === 'string' ? values['lmqParentTopic'].trim() : topic;
    const consumer = toolsPullConsumer(ctx.admin);
    try {
      const queues = await clientCall(`queues of ${routeTopic}`, () => consumer.fetchSubscribeMessageQueues(routeTopic));
      for (const queue of queues) {
        const target = queue.topic === topic ? queue : new MessageQueue(topic, queue.brokerName, queue.queueId);
        await printQueue(ctx, consumer, target, range, expression, printBody ? charset : undefined);
      }
    } finally {
      await consumer.shutdown();
    }
  },
};
