// RequestCode.GET_NAMESRV_CONFIG (319): the configuration as "key=value" lines (properties text).
import { formatConfig } from '../../config/index.js';
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import { NamesrvConfigSchema } from '../config.js';
import type { NamesrvContext } from './context.js';

export const getNamesrvConfig = defineBodyHandler<NamesrvContext>({
  code: RequestCode.GET_NAMESRV_CONFIG,
  handle(ctx) {
    return ok(undefined, Buffer.from(`${formatConfig(NamesrvConfigSchema, ctx.config)}\n`, 'utf8'));
  },
});
