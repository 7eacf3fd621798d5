// RequestCode.RECALL_MESSAGE (370, RocketMQ 5.3): cancels a timer message by the recall handle its
// send answered (RecallMessageRequestHeader / RecallMessageResponseHeader). The response's msgId is
// the recalled message's UNIQ_KEY.
import { header, str, type Infer } from './define.js';

export const RecallMessageRequestHeader = header({
  producerGroup: str.optional(),
  topic: str(),
  recallHandle: str(),
});
export type RecallMessageRequestHeader = Infer<typeof RecallMessageRequestHeader>;

export const RecallMessageResponseHeader = header({ msgId: str() });
export type RecallMessageResponseHeader = Infer<typeof RecallMessageResponseHeader>;
