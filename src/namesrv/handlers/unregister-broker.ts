// RequestCode.UNREGISTER_BROKER (104): a broker leaving; its QueueData goes with its last address.
import { RequestCode, UnRegisterBrokerRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const unregisterBroker = defineHandler<NamesrvContext, typeof UnRegisterBrokerRequestHeader.fields>({
  code: RequestCode.UNREGISTER_BROKER,
  header: UnRegisterBrokerRequestHeader,
  handle(ctx, { header }) {
    ctx.routes.unregisterBroker(header);
    ctx.logger.info(
      { cluster: header.clusterName, brokerName: header.brokerName, brokerId: header.brokerId, brokerAddr: header.brokerAddr },
      'broker unregistered',
    );
    return ok();
  },
});
