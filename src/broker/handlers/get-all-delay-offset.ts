// RequestCode.GET_ALL_DELAY_OFFSET (45): the schedule's progress per delay level, as delayOffset.json
// holds it ({"dataVersion":{..},"offsetTable":{1:0,...}}, fastjson's unquoted level keys).
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getAllDelayOffsetHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_ALL_DELAY_OFFSET,
  handle: (ctx) => ok(undefined, Buffer.from(ctx.schedule.encode())),
});
