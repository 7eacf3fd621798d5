// mqadmin queryMsgByOffset -t <topic> -b <brokerName> -i <queueId> -o <offset> [-f <charset>]
// (QueryMsgByOffsetSubCommand): the message at a queue offset, pulled with the client SDK's
// PullConsumer, printed as queryMsgById prints it; nothing when there is none.
import { intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { charsetDecoder, clientCall, fromPulled, messageDetailLines, toolsPullConsumer } from '../ops/message.js';

export const queryMsgByOffsetCommand: AdminCommand = {
  name: 'queryMsgByOffset',
  description: 'Query Message by offset.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.required('b', 'brokerName', 'Broker Name'),
    option.required('i', 'queueId', 'Queue Id'),
    option.required('o', 'offset', 'Queue Offset'),
    option.optional('f', 'bodyFormat', 'print message body by the specified format'),
  ],
  async run(ctx, values) {
    const queue = { topic: requiredValue(values, 'topic').trim(), brokerName: requiredValue(values, 'brokerName').trim(), queueId: intValue(values, 'queueId', 0) };
    const offset = intValue(values, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const charset = typeof values['bodyFormat'] === 'string' ? charsetDecoder(values['bodyFormat']) : undefined;
    const consumer = toolsPullConsumer(ctx.admin);
    try {
      const result = await clientCall(`pull ${queue.topic}`, () => consumer.pull(queue, '*', offset, 1));
      const [message] = result.status === 'FOUND' ? result.messages : [];
      if (message === undefined) return;
      for (const line of await messageDetailLines(ctx.admin, fromPulled(message), charset, (line) => ctx.err(line))) ctx.out(line);
    } finally {
      await consumer.shutdown();
    }
  },
};
