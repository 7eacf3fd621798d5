// RequestCode.WIPE_WRITE_PERM_OF_BROKER (205): clears WRITE on the broker's topics; answers wipeTopicCount.
import { RequestCode, WipeWritePermOfBrokerRequestHeader, WipeWritePermOfBrokerResponseHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const wipeWritePermOfBroker = defineHandler<NamesrvContext, typeof WipeWritePermOfBrokerRequestHeader.fields>({
  code: RequestCode.WIPE_WRITE_PERM_OF_BROKER,
  header: WipeWritePermOfBrokerRequestHeader,
  handle(ctx, { header, connection }) {
    const wipeTopicCount = ctx.routes.wipeWritePerm(header.brokerName);
    ctx.logger.info({ brokerName: header.brokerName, peer: connection.remoteAddress, wipeTopicCount }, 'wipe write perm of broker');
    return ok(WipeWritePermOfBrokerResponseHeader.encode({ wipeTopicCount }));
  },
});
