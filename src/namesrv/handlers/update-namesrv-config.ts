// RequestCode.UPDATE_NAMESRV_CONFIG (318) (DefaultRequestProcessor.updateConfig): properties text
// whose known keys replace the running configuration, which is then written to configStorePath.
// Keys in configBlackList (by default configBlackList, configStorePath, kvConfigPath) are refused
// with NO_PERMISSION, as Java refuses them; a value that does not parse is INVALID_PARAMETER.
import { ConfigError } from '../../config/index.js';
import { BodyError, RequestCode, ResponseCode, ResponseCodeError, decodePropertiesText } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const updateNamesrvConfig = defineBodyHandler<NamesrvContext>({
  code: RequestCode.UPDATE_NAMESRV_CONFIG,
  async handle(ctx, { command, connection }) {
    const body = command.body;
    if (body === undefined || body.length === 0) return ok();
    let entries: [string, string][];
    try {
      entries = decodePropertiesText(body);
    } catch (error) {
      if (error instanceof BodyError) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, 'string2Properties error');
      throw error;
    }
    const blackList = new Set(ctx.config.configBlackList.split(';').map((key) => key.trim()));
    if (entries.some(([key]) => blackList.has(key))) throw new ResponseCodeError(ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    ctx.logger.info({ caller: connection.remoteAddress, keys: entries.map(([key]) => key) }, 'updateConfig called');
    try {
      await ctx.configStore.update(entries);
    } catch (error) {
      if (error instanceof ConfigError) throw new ResponseCodeError(ResponseCode.INVALID_PARAMETER, error.problems.join('; '));
      throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, `config updated but not persisted: ${(error as Error).message}`);
    }
    return ok();
  },
});
