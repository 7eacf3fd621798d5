// RequestCode.LITE_PULL_MESSAGE (361): the pull of Java's DefaultLitePullConsumer. Same header and
// answer as PULL_MESSAGE (11); RocketMQ's PullMessageProcessor serves both codes.
import { PullMessageRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { pullMessage } from '../pull/pull-message.js';

export const litePullMessageHandler = defineHandler<BrokerContext, typeof PullMessageRequestHeader.fields>({
  code: RequestCode.LITE_PULL_MESSAGE,
  header: PullMessageRequestHeader,
  handle: (ctx, { header, connection }) => pullMessage(ctx, header, connection),
});
