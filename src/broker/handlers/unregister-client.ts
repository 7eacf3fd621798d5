// RequestCode.UNREGISTER_CLIENT (35): a producer or consumer closing down.
import { RequestCode, UnregisterClientRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const unregisterClientHandler = defineHandler<BrokerContext, typeof UnregisterClientRequestHeader.fields>({
  code: RequestCode.UNREGISTER_CLIENT,
  header: UnregisterClientRequestHeader,
  handle(ctx, { header, connection }) {
    if (header.producerGroup !== undefined) ctx.producers.unregister(header.producerGroup, connection);
    if (header.consumerGroup !== undefined) {
      const notify = ctx.groups.get(header.consumerGroup)?.notifyConsumerIdsChangedEnable ?? true;
      ctx.consumers.unregister(header.consumerGroup, connection, notify);
    }
    return ok();
  },
});
