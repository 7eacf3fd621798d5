// RequestCode.RESEND_DEAD_LETTER_MESSAGE (800000, ours: RocketMQ has no such request): puts a
// message from a %DLQ%<group> topic back on its original topic with reconsumeTimes 0. See
// retry/resend-dead-letter.ts; mqadmin and the dashboard send it.
import { RequestCode, ResendDeadLetterMessageRequestHeader } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { resendDeadLetter } from '../retry/resend-dead-letter.js';

export const resendDeadLetterMessageHandler = defineHandler<BrokerContext, typeof ResendDeadLetterMessageRequestHeader.fields>({
  code: RequestCode.RESEND_DEAD_LETTER_MESSAGE,
  header: ResendDeadLetterMessageRequestHeader,
  handle: (ctx, { header }) => resendDeadLetter(ctx, header),
});
