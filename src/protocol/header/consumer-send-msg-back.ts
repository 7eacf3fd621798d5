// RequestCode.CONSUMER_SEND_MSG_BACK (36): a consumer hands back a message it failed to consume
// (ConsumerSendMsgBackRequestHeader.java). `offset` is the message's CommitLog offset; delayLevel 0
// lets the broker choose (3 + reconsumeTimes), a negative one sends it to the dead-letter queue.
import { bool, header, int, long, str, type Infer } from './define.js';

export const ConsumerSendMsgBackRequestHeader = header({
  offset: long(),
  group: str(),
  delayLevel: int(),
  originMsgId: str.optional(),
  originTopic: str.optional(),
  unitMode: bool.optional(),
  maxReconsumeTimes: int.optional(),
});
export type ConsumerSendMsgBackRequestHeader = Infer<typeof ConsumerSendMsgBackRequestHeader>;
