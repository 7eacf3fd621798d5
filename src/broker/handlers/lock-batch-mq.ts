// RequestCode.LOCK_BATCH_MQ (41) (AdminBrokerProcessor.lockBatchMQ): an orderly consumer locks (or
// renews) queues for its client id; the answer lists those it holds. onlyThisBroker matters only
// with lockInStrictMode across replicas, which this broker has none of: locks are always local.
import { decodeLockBatchRequest, encodeLockBatchResponse, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const lockBatchMqHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.LOCK_BATCH_MQ,
  handle(ctx, { command }) {
    const request = decodeLockBatchRequest(command.body, 'lockBatchRequest');
    const locked = ctx.locks.tryLockBatch(request.consumerGroup, request.mqSet, request.clientId);
    return ok(undefined, encodeLockBatchResponse(locked));
  },
});
