// RequestCode.CONSUMER_SEND_MSG_BACK (36): a consumer failed a message; the broker stores a copy in
// the group's retry topic (after a delay level) or, past maxReconsumeTimes, its DLQ.
import { ConsumerSendMsgBackRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { consumerSendMsgBack } from '../retry/send-back.js';

export const consumerSendMsgBackHandler = defineHandler<BrokerContext, typeof ConsumerSendMsgBackRequestHeader.fields>({
  code: RequestCode.CONSUMER_SEND_MSG_BACK,
  header: ConsumerSendMsgBackRequestHeader,
  handle: (ctx, { header, command }) => consumerSendMsgBack(ctx, header, command.version),
});
