// RequestCode.GET_BROKER_RUNTIME_INFO (28): the broker's runtime figures as a KVTable
// ({"table":{"putTps":"...",...}}); which keys and where their values come from: stats/runtime-info.ts.
import { encodeKVTable, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { buildRuntimeInfo } from '../stats/runtime-info.js';

export const getBrokerRuntimeInfoHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_BROKER_RUNTIME_INFO,
  async handle(ctx) {
    const table = await buildRuntimeInfo({
      stats: ctx.stats,
      store: ctx.store,
      storeConfig: ctx.storeConfig,
      delayOffsets: ctx.schedule.offsets(),
      timerQueueOffset: ctx.timer.progress().queueOffset,
      nowMs: ctx.clock.now(),
    });
    return ok(undefined, encodeKVTable(table));
  },
});
