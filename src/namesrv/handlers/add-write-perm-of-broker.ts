// RequestCode.ADD_WRITE_PERM_OF_BROKER (327): sets the broker's topics read-write; answers addTopicCount.
import { AddWritePermOfBrokerRequestHeader, AddWritePermOfBrokerResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const addWritePermOfBroker = defineHandler<NamesrvContext, typeof AddWritePermOfBrokerRequestHeader.fields>({
  code: RequestCode.ADD_WRITE_PERM_OF_BROKER,
  header: AddWritePermOfBrokerRequestHeader,
  handle(ctx, { header, connection }) {
    const addTopicCount = ctx.routes.addWritePerm(header.brokerName);
    ctx.logger.info({ brokerName: header.brokerName, peer: connection.remoteAddress, addTopicCount }, 'add write perm of broker');
    return ok(AddWritePermOfBrokerResponseHeader.encode({ addTopicCount }));
  },
});
