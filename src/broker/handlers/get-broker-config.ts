// RequestCode.GET_BROKER_CONFIG (26): every broker and store key as `key=value` lines (the body) and
// the config's DataVersion as JSON in the `version` header field, as Java's getAllConfigsFormatString.
import { dataVersionToJson, GetBrokerConfigResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getBrokerConfigHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.GET_BROKER_CONFIG,
  handle(ctx) {
    const version = JSON.stringify(dataVersionToJson(ctx.runtimeConfig.dataVersion));
    return ok(GetBrokerConfigResponseHeader.encode({ version }), Buffer.from(ctx.runtimeConfig.formatAll(), 'utf8'));
  },
});
