// RequestCode.PULL_MESSAGE (11), with long polling.
import { PullMessageRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { pullMessage } from '../pull/pull-message.js';

export const pullMessageHandler = defineHandler<BrokerContext, typeof PullMessageRequestHeader.fields>({
  code: RequestCode.PULL_MESSAGE,
  header: PullMessageRequestHeader,
  handle: (ctx, { header, connection }) => pullMessage(ctx, header, connection),
});
