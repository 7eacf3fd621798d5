// mqadmin consumeMessage -t <topic> [-b <brokerName> [-i <queueId> [-o <offset>]]] [-g <group>]
// [-s <begin>] [-e <end>] [-c <count>] (ConsumeMessageCommand): reads up to -c messages (128)
// with the client SDK's PullConsumer, of every queue of the topic, of one queue (-b and -i), or
// of one queue from an offset (-o), within the store-time range of -s/-e; commits nothing.
import { MessageQueue, type PullConsumer } from '../../client/index.js';
import { AdminError, intValue, option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { printMessageLine } from '../ops/message-format.js';
import { clientCall, fromPulled, TOOLS_CONSUMER_GROUP, toolsPullConsumer } from '../ops/message.js';
import { queueRange, timeValue } from '../ops/message-pull.js';

/** Most messages one pull asks for (the broker answers at most 32 anyway). */
const PULL_NUMS = 1024;
/** Pulls one queue may take at most. */
const PULLS_MAX = 1_000_000;

interface Run {
  readonly ctx: AdminContext;
  readonly consumer: PullConsumer;
  readonly begin: number;
  readonly end: number;
}

/** ConsumeMessageCommand.pullMessageByQueue: offsets [min, max], both ends included, as Java's loop. */
async function pullQueue({ ctx, consumer }: Run, queue: MessageQueue, minOffset: number, maxOffset: number): Promise<void> {
  let offset = minOffset;
  for (let pulls = 0; offset <= maxOffset && pulls < PULLS_MAX; pulls++) {
    const result = await clientCall(`pull ${queue.toString()}`, () => consumer.pull(queue, '*', offset, Math.min(Math.max(maxOffset - offset + 1, 1), PULL_NUMS)));
    offset = result.nextBeginOffset;
    if (result.status === 'FOUND') {
      ctx.out('Consume ok');
      for (const message of result.messages) ctx.out(printMessageLine(fromPulled(message), message.body.toString('utf8')));
    } else if (result.status === 'NO_MATCHED_MSG') {
      ctx.out(`${queue.toString()} no matched msg. status=${result.status}, offset=${offset}`);
    } else {
      ctx.out(`${queue.toString()} print msg finished. status=${result.status}, offset=${offset}`);
      break;
    }
  }
}

async function rangeOf(run: Run, queue: MessageQueue): Promise<{ minOffset: number; maxOffset: number }> {
  return queueRange(run.consumer, queue, { begin: run.begin > 0 ? run.begin : undefined, end: run.end > 0 ? run.end : undefined });
}

async function consumeAll(run: Run, topic: string, count: number): Promise<void> {
  let left = count;
  for (const queue of await clientCall(`queues of ${topic}`, () => run.consumer.fetchSubscribeMessageQueues(topic))) {
    if (left === 0) return;
    const range = await rangeOf(run, queue);
    const minOffset = range.minOffset;
    let maxOffset = range.maxOffset;
    if (maxOffset - minOffset > left) {
      run.ctx.out(javaFormat('The older %d message of the %d queue will be provided', left, queue.queueId));
      maxOffset = minOffset + left - 1;
      left = 0;
    } else {
      left = left - (maxOffset - minOffset) - 1;
    }
    await pullQueue(run, queue, minOffset, maxOffset);
  }
}

async function consumeQueue(run: Run, queue: MessageQueue, offset: number, count: number): Promise<void> {
  let { minOffset, maxOffset } = await rangeOf(run, queue);
  if (offset > maxOffset) {
    run.ctx.out(`${queue.toString()} no matched msg, offset=${offset}`);
    return;
  }
  minOffset = Math.max(minOffset, offset);
  if (maxOffset - minOffset > count) {
    run.ctx.out(javaFormat('The oldler %d message will be provided', count));
    maxOffset = minOffset + count - 1;
  }
  await pullQueue(run, queue, minOffset, maxOffset);
}

export const consumeMessageCommand: AdminCommand = {
  name: 'consumeMessage',
  description: 'Consume message.',
  options: [
    option.required('t', 'topic', 'Topic name'),
    option.optional('b', 'brokerName', 'Broker name'),
    option.optional('i', 'queueId', 'Queue Id'),
    option.optional('o', 'offset', 'Queue offset'),
    option.optional('g', 'consumerGroup', 'Consumer group name'),
    option.optional('s', 'beginTimestamp', 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('e', 'endTimestamp', 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('c', 'MessageNumber', 'Number of message to be consumed'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const count = intValue(values, 'MessageNumber', 128, -(2 ** 31), Number.MAX_SAFE_INTEGER);
    if (count <= 0) return ctx.out('Please input a positive messageNumber!');
    const brokerName = typeof values['brokerName'] === 'string' ? values['brokerName'].trim() : undefined;
    if (values['queueId'] !== undefined && brokerName === undefined) return ctx.out('Please set the brokerName before queueId!');
    if (values['offset'] !== undefined && values['queueId'] === undefined) return ctx.out('Please set queueId before offset!');
    const now = ctx.now();
    const begin = timeValue(values, 'beginTimestamp') ?? 0;
    const end = timeValue(values, 'endTimestamp') ?? 0;
    if (begin > now) return ctx.out('Please set the beginTimestamp before now!');
    if (values['endTimestamp'] !== undefined && end > now) return ctx.out('Please set the endTimestamp before now!');
    if (values['endTimestamp'] !== undefined && begin > end) return ctx.out('Please make sure that the beginTimestamp is less than or equal to the endTimestamp');
    const group = typeof values['consumerGroup'] === 'string' ? values['consumerGroup'].trim() : TOOLS_CONSUMER_GROUP;
    if (group.length === 0) throw new AdminError('option --consumerGroup is empty');
    const consumer = toolsPullConsumer(ctx.admin, group);
    try {
      const run = { ctx, consumer, begin, end };
      if (values['queueId'] === undefined || brokerName === undefined) return await consumeAll(run, topic, count);
      const queue = new MessageQueue(topic, brokerName, intValue(values, 'queueId', 0));
      await consumeQueue(run, queue, intValue(values, 'offset', 0, 0, Number.MAX_SAFE_INTEGER), count);
    } finally {
      await consumer.shutdown();
    }
  },
};
