// mqadmin checkMsgSendRT -t <topic> [-a <amount>] [-s <size>] (CheckMsgSendRTCommand): sends -a
// messages (100) of -s bytes (128) round-robin over the topic's queues with the client SDK's
// Producer, printing each send's queue, success and time, and the average time without the first.
import { Message, type MessageQueue } from '../../client/index.js';
import { intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { clientCall, toolsProducer } from '../ops/message.js';

const FORMAT = '%-32s  %-4s  %-20s    %s';
const AMOUNT_MAX = 1_000_000;
const SIZE_MAX = 4 * 1024 * 1024;

export const checkMsgSendRTCommand: AdminCommand = {
  name: 'checkMsgSendRT',
  description: 'Check message send response time.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.optional('a', 'amount', 'message amount | default 100'),
    option.optional('s', 'size', 'message size | default 128 Byte'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const amount = intValue(values, 'amount', 100, 0, AMOUNT_MAX);
    const size = intValue(values, 'size', 128, 0, SIZE_MAX);
    const producer = toolsProducer(ctx.admin, String(ctx.now()));
    try {
      await clientCall('start producer', () => producer.start());
      ctx.out(javaFormat(FORMAT, '#Broker Name', '#QID', '#Send Result', '#RT'));
      let brokerName = '';
      let queueId = 0;
      let elapsed = 0;
      for (let i = 0; i < amount; i++) {
        const start = ctx.now();
        const selector = (queues: readonly MessageQueue[]): MessageQueue => {
          const queue = queues[i % queues.length] as MessageQueue;
          brokerName = queue.brokerName;
          queueId = queue.queueId;
          return queue;
        };
        const success = await producer.send(new Message({ topic, body: 'a'.repeat(size) }), { selector }).then(
          () => true,
          () => false,
        );
        const end = ctx.now();
        if (i !== 0) elapsed += end - start;
        ctx.out(javaFormat(FORMAT, brokerName, queueId, success, end - start));
      }
      ctx.out(`Avg RT: ${javaFormat('%.2f', elapsed / (amount - 1))}`);
    } finally {
      await producer.shutdown();
    }
  },
};
