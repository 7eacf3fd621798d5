// RequestCode.GET_TIMER_METRICS (61): timer messages waiting per topic, as Java's TimerMetrics JSON
// ({"dataVersion":{..},"timingCount":{"<topic>":{"count":n,"timeStamp":ms}}}).
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getTimerMetricsHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_TIMER_METRICS,
  handle: (ctx) => ok(undefined, Buffer.from(ctx.timer.metricsBody())),
});
