// RequestCode.PUT_KV_CONFIG (100): sets namespace/key to value and answers once it is on disk.
import { PutKVConfigRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const putKVConfig = defineHandler<NamesrvContext, typeof PutKVConfigRequestHeader.fields>({
  code: RequestCode.PUT_KV_CONFIG,
  header: PutKVConfigRequestHeader,
  async handle(ctx, { header }) {
    ctx.logger.info({ namespace: header.namespace, key: header.key, value: header.value }, 'putKVConfig');
    await ctx.kv.put(header.namespace, header.key, header.value);
    return ok();
  },
});
