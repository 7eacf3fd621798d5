// mqadmin sendMessage -t <topic> -p <body> [-k <keys>] [-c <tags>] [-b <brokerName> -i <queueId>]
// (SendMessageCommand): one message sent with the client SDK's Producer (a group named after the
// current time, as Java's), to the given queue or to one the producer picks.
import { Message, MessageQueue, type SendResult } from '../../client/index.js';
import { booleanValue, intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { clientCall, toolsProducer } from '../ops/message.js';

const FORMAT = '%-32s  %-4s  %-20s    %s';

export const sendMessageCommand: AdminCommand = {
  name: 'sendMessage',
  description: 'Send a message.',
  options: [
    option.required('t', 'topic', 'Topic name'),
    option.required('p', 'body', 'UTF-8 string format of the message body'),
    option.optional('k', 'key', 'Message keys'),
    option.optional('c', 'tags', 'Message tags'),
    option.optional('b', 'broker', 'Send message to target broker'),
    option.optional('i', 'qid', 'Send message to target queue'),
    option.optional('m', 'msgTraceEnable', 'Message Trace Enable, Default: false'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const body = requiredValue(values, 'body').trim();
    const keys = typeof values['key'] === 'string' ? values['key'].trim() : undefined;
    const tags = typeof values['tags'] === 'string' ? values['tags'].trim() : undefined;
    const brokerName = typeof values['broker'] === 'string' ? values['broker'].trim() : undefined;
    let queueId = -1;
    if (values['qid'] !== undefined) {
      if (brokerName === undefined) {
        ctx.out('Broker name must be set if the queue is chosen!');
        return;
      }
      queueId = intValue(values, 'qid', -1, 0);
    }
    // Message trace is not implemented by the SDK: -m is parsed and checked, and ignored.
    booleanValue(values, 'msgTraceEnable', false);
    const message = await clientCall('build message', async () => new Message({ topic, body: Buffer.from(body, 'utf8'), tags, keys }));
    const producer = toolsProducer(ctx.admin, String(ctx.now()));
    let result: SendResult;
    try {
      await clientCall('start producer', () => producer.start());
      const queue = brokerName !== undefined && queueId > -1 ? new MessageQueue(topic, brokerName, queueId) : undefined;
      result = await clientCall('send message', () => producer.send(message, queue === undefined ? {} : { queue }));
    } finally {
      await producer.shutdown();
    }
    ctx.out(javaFormat(FORMAT, '#Broker Name', '#QID', '#Send Result', '#MsgId'));
    ctx.out(javaFormat(FORMAT, result.messageQueue.brokerName, result.messageQueue.queueId, result.sendStatus, result.msgId));
  },
};
