// RequestCode.SEND_MESSAGE (10): a send with the long header names (Java clients).
import { RequestCode, SendMessageRequestHeader } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { sendMessage } from '../send/send-message.js';

export const sendMessageHandler = defineHandler<BrokerContext, typeof SendMessageRequestHeader.fields>({
  code: RequestCode.SEND_MESSAGE,
  header: SendMessageRequestHeader,
  handle: (ctx, { header, command, connection }) => sendMessage(ctx, header, command.body, connection, command.version),
});
