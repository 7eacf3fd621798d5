// RequestCode.SEND_BATCH_MESSAGE (320): several messages to one queue; Java clients send the
// header with one-letter names (SendMessageRequestHeaderV2) and batch=true.
import { RequestCode, SendMessageRequestHeader, SendMessageRequestHeaderV2 } from '../../protocol/index.js';
import { defineBodyHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { sendBatchMessage } from '../send/send-message.js';

export const sendBatchMessageHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.SEND_BATCH_MESSAGE,
  handle(ctx, { command, connection }) {
    // Java's client uses the V2 names here; accept the long names too, as Java's broker does.
    const codec = Object.hasOwn(command.extFields, 'b') ? SendMessageRequestHeaderV2 : SendMessageRequestHeader;
    return sendBatchMessage(ctx, codec.decode(command.extFields), command.body, connection);
  },
});
