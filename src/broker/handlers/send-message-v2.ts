// RequestCode.SEND_MESSAGE_V2 (310): a send with one-letter header names (ali-ons, Java clients).
import { RequestCode, SendMessageRequestHeaderV2 } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { sendMessage } from '../send/send-message.js';

export const sendMessageV2Handler = defineHandler<BrokerContext, typeof SendMessageRequestHeaderV2.fields>({
  code: RequestCode.SEND_MESSAGE_V2,
  header: SendMessageRequestHeaderV2,
  handle: (ctx, { header, command, connection }) => sendMessage(ctx, header, command.body, connection, command.version),
});
