// RequestCode.INVOKE_BROKER_TO_RESET_OFFSET (222) (AdminBrokerProcessor.resetOffset through
// Broker2Client.resetOffset): moves a group's offsets of a topic to a time (or, with queueId and
// offset, one queue to an offset), commits them and tells the group's live clients with
// RESET_CONSUMER_CLIENT_OFFSET (220); answers the new offsets as a ResetOffsetBody.
import { encodeMessageQueueMap, RequestCode, ResetOffsetRequestHeader, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { resetOffset } from '../client/broker-to-client.js';

/** The single queue and offset of resetOffsetByQueueId, checked against the queue's range. */
function singleQueue(ctx: BrokerContext, topic: string, queueId: number | undefined, offset: number | undefined): { queueId: number; offset: number } | undefined {
  if (queueId === undefined || queueId < 0 || offset === undefined || offset === -1) return undefined;
  const min = ctx.store.getMinOffsetInQueue(topic, queueId);
  const max = ctx.store.getMaxOffsetInQueue(topic, queueId);
  if ((min >= 0 && offset < min) || offset > max + 1) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `Target offset ${offset} not in consume queue range [${min}-${max}]`);
  }
  return { queueId, offset };
}

export const invokeBrokerToResetOffsetHandler = defineHandler<BrokerContext, typeof ResetOffsetRequestHeader.fields>({
  code: RequestCode.INVOKE_BROKER_TO_RESET_OFFSET,
  header: ResetOffsetRequestHeader,
  async handle(ctx, { header, connection }) {
    ctx.logger.info({ caller: connection.remoteAddress, topic: header.topic, group: header.group, timestamp: header.timestamp, isForce: header.isForce }, '[reset-offset] reset offset started');
    if (ctx.topics.get(header.topic) === undefined) {
      throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `[reset-offset] reset offset failed, no topic in this broker. topic=${header.topic}`);
    }
    const queue = singleQueue(ctx, header.topic, header.queueId, header.offset);
    const table = await resetOffset(ctx, { topic: header.topic, group: header.group, timestamp: header.timestamp, isForce: header.isForce, queue });
    return ok(undefined, encodeMessageQueueMap('offsetTable', table));
  },
});
