// mqadmin sendMsgStatus -b <brokerName> [-s <messageSize>] [-c <count>] (SendMsgStatusCommand):
// sends -c messages (50) of about -s bytes (128) to the topic named after a broker (each broker
// serves one, brokerTopicEnable) with the client SDK's Producer (group PID_SMSC), printing the
// time and SendResult of each.
import { Message } from '../../client/index.js';
import { intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { clientCall, toolsProducer } from '../ops/message.js';
import { sdkSendResultToString } from '../ops/message-resend.js';

/** Largest message size and count accepted (a bound on what one run sends). */
const MESSAGE_SIZE_MAX = 4 * 1024 * 1024;
const COUNT_MAX = 1_000_000;

/** SendMsgStatusCommand.buildMessage: "hello jodie" repeated to at least `size` bytes. */
function body(size: number): string {
  return 'hello jodie'.repeat(Math.ceil(size / 11));
}

export const sendMsgStatusCommand: AdminCommand = {
  name: 'sendMsgStatus',
  description: 'Send msg to broker.',
  options: [
    option.required('b', 'brokerName', 'Broker Name e.g. clusterName_brokerName as DefaultCluster_broker-a'),
    option.optional('s', 'messageSize', 'Message Size, Default: 128'),
    option.optional('c', 'count', 'send message count, Default: 50'),
  ],
  async run(ctx, values) {
    const brokerName = requiredValue(values, 'brokerName').trim();
    const size = intValue(values, 'messageSize', 128, 0, MESSAGE_SIZE_MAX);
    const count = intValue(values, 'count', 50, 0, COUNT_MAX);
    const producer = toolsProducer(ctx.admin, 'PID_SMSC');
    try {
      await clientCall('start producer', () => producer.start());
      await clientCall(`send to ${brokerName}`, () => producer.send(new Message({ topic: brokerName, body: body(16) })));
      for (let i = 0; i < count; i++) {
        const begin = ctx.now();
        const result = await clientCall(`send to ${brokerName}`, () => producer.send(new Message({ topic: brokerName, body: body(size) })));
        ctx.out(`rt=${ctx.now() - begin}ms, SendResult=${sdkSendResultToString(result)}`);
      }
    } finally {
      await producer.shutdown();
    }
  },
};
