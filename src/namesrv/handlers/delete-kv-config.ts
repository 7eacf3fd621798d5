// RequestCode.DELETE_KV_CONFIG (102): removes namespace/key (success even if absent, as in Java).
import { DeleteKVConfigRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const deleteKVConfig = defineHandler<NamesrvContext, typeof DeleteKVConfigRequestHeader.fields>({
  code: RequestCode.DELETE_KV_CONFIG,
  header: DeleteKVConfigRequestHeader,
  async handle(ctx, { header }) {
    ctx.logger.info({ namespace: header.namespace, key: header.key }, 'deleteKVConfig');
    await ctx.kv.delete(header.namespace, header.key);
    return ok();
  },
});
