// RequestCode.UNLOCK_BATCH_MQ (42) (AdminBrokerProcessor.unlockBatchMQ): an orderly consumer gives
// up queues it holds; queues held by another client stay locked. Always SUCCESS, as in Java.
import { decodeLockBatchRequest, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const unlockBatchMqHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.UNLOCK_BATCH_MQ,
  handle(ctx, { command }) {
    const request = decodeLockBatchRequest(command.body, 'unlockBatchRequest');
    ctx.locks.unlockBatch(request.consumerGroup, request.mqSet, request.clientId);
    return ok();
  },
});
