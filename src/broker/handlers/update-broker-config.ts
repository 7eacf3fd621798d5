// RequestCode.UPDATE_BROKER_CONFIG (25): body = properties text of the keys to change. The change is
// persisted, then applied (runtime-config/ says which keys and how refusals read); a new
// brokerPermission also bumps the topics' data version and registers again, as Java does, so the
// name servers advertise the new permission. An empty body changes nothing (Java answers SUCCESS).
import { decodePropertiesText, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const updateBrokerConfigHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.UPDATE_BROKER_CONFIG,
  async handle(ctx, { command, connection }) {
    if (command.body === undefined || command.body.length === 0) return ok();
    let entries: [string, string][];
    try {
      entries = decodePropertiesText(command.body);
    } catch (error) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `string2Properties error: ${(error as Error).message}`);
    }
    ctx.logger.info({ caller: connection.remoteAddress, entries }, 'updating the broker config');
    const changed = await ctx.runtimeConfig.update(entries);
    if (changed.includes('brokerPermission')) {
      ctx.topics.nextVersion();
      ctx.requestRegister();
    }
    return ok();
  },
});
