// RequestCode.RESEND_DEAD_LETTER_MESSAGE (800000, ours: RocketMQ has no such request): puts a
// dead-lettered message back on its original topic. The message is named by its offset message
// id (`msgId`) or by its CommitLog offset (`offset`); exactly one of them must be given.
import { header, long, str, type Infer } from './define.js';

export const ResendDeadLetterMessageRequestHeader = header({
  msgId: str.optional(),
  offset: long.optional(),
});
export type ResendDeadLetterMessageRequestHeader = Infer<typeof ResendDeadLetterMessageRequestHeader>;
