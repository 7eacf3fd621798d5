// RequestCode.GET_TIMER_CHECK_POINT (60): the timer's progress as Java's 56-byte TimerCheckpoint
// (lastReadTimeMs, lastTimerLogFlushPos, lastTimerQueueOffset, masterTimerQueueOffset, dataVersion).
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getTimerCheckPointHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_TIMER_CHECK_POINT,
  handle: (ctx) => ok(undefined, ctx.timer.checkpointBody()),
});
