// RequestCode.RECALL_MESSAGE (370, RocketMQ 5.3): cancels a timer message by its recall handle.
// See timer/recall.ts.
import { RecallMessageRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { recallMessage } from '../timer/recall.js';

export const recallMessageHandler = defineHandler<BrokerContext, typeof RecallMessageRequestHeader.fields>({
  code: RequestCode.RECALL_MESSAGE,
  header: RecallMessageRequestHeader,
  handle: (ctx, { header, connection }) => recallMessage(ctx, header, connection),
});
