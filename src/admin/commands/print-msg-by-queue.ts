// mqadmin printMsgByQueue -t <topic> -a <brokerName> -i <queueId> [-c <charset>] [-s <subExpression>]
// [-b <begin>] [-e <end>] [-p <printMsg>] [-d <printBody>] [-f <calculate>] (PrintMessageByQueueCommand):
// one queue read with the client SDK's PullConsumer, 32 at a time, from its min offset (or the
// offset of -b) to its max offset (or the offset of -e); -p prints each message, -f counts tags.
import { MessageQueue } from '../../client/index.js';
import { booleanValue, intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { printMessageLine } from '../ops/message-format.js';
import { charsetDecoder, clientCall, fromPulled, toolsPullConsumer } from '../ops/message.js';
import { queueRange, timeRangeOf } from '../ops/message-pull.js';

/** Pulls of 32 the loop may take at most (32 million messages). */
const PULLS_MAX = 1_000_000;

export const printMsgByQueueCommand: AdminCommand = {
  name: 'printMsgByQueue',
  description: 'Print Message Detail by queueId.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.required('a', 'brokerName', 'broker name'),
    option.required('i', 'queueId', 'queue id'),
    option.optional('c', 'charsetName', 'CharsetName(eg: UTF-8,GBK)'),
    option.optional('s', 'subExpression', 'Subscribe Expression(eg: TagA || TagB)'),
    option.optional('b', 'beginTimestamp', 'Begin timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('e', 'endTimestamp', 'End timestamp[currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('p', 'print msg', 'print msg. eg: true | false(default)'),
    option.optional('d', 'printBody', 'print body. eg: true | false(default)'),
    option.optional('f', 'calculate', 'calculate by tag. eg: true | false(default)'),
  ],
  async run(ctx, values) {
    const charset = charsetDecoder(typeof values['charsetName'] === 'string' ? values['charsetName'] : 'UTF-8');
    const printMsg = booleanValue(values, 'print msg', false);
    const printBody = booleanValue(values, 'printBody', false);
    const calculate = booleanValue(values, 'calculate', false);
    const expression = typeof values['subExpression'] === 'string' ? values['subExpression'].trim() : '*';
    const queue = new MessageQueue(requiredValue(values, 'topic').trim(), requiredValue(values, 'brokerName').trim(), intValue(values, 'queueId', 0));
    const range = timeRangeOf(values, 'beginTimestamp', 'endTimestamp');
    const tagCounts = new Map<string, number>();
    const consumer = toolsPullConsumer(ctx.admin);
    try {
      const { minOffset, maxOffset } = await queueRange(consumer, queue, range);
      let offset = minOffset;
      for (let pulls = 0; offset < maxOffset && pulls < PULLS_MAX; pulls++) {
        const result = await clientCall(`pull ${queue.toString()}`, () => consumer.pull(queue, expression, offset, 32));
        offset = result.nextBeginOffset;
        if (result.status !== 'FOUND') break;
        for (const message of result.messages) {
          const tag = message.tags;
          if (calculate && tag !== undefined && tag.trim().length > 0) tagCounts.set(tag, (tagCounts.get(tag) ?? 0) + 1);
          if (printMsg) ctx.out(printMessageLine(fromPulled(message), printBody ? charset(message.body) : undefined));
        }
      }
    } finally {
      await consumer.shutdown();
    }
    const sorted = [...tagCounts].sort((a, b) => b[1] - a[1]);
    for (const [tag, count] of sorted) ctx.out(javaFormat('Tag: %-30s Count: %s', tag, count));
  },
};
