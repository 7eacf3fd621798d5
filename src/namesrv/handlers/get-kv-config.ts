// RequestCode.GET_KV_CONFIG (101): answers extFields value, or QUERY_NOT_FOUND with Java's remark.
import { GetKVConfigRequestHeader, GetKVConfigResponseHeader, RequestCode, ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getKVConfig = defineHandler<NamesrvContext, typeof GetKVConfigRequestHeader.fields>({
  code: RequestCode.GET_KV_CONFIG,
  header: GetKVConfigRequestHeader,
  handle(ctx, { header }) {
    const value = ctx.kv.get(header.namespace, header.key);
    if (value === undefined) {
      throw new ResponseCodeError(ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${header.namespace} Key: ${header.key}`);
    }
    return ok(GetKVConfigResponseHeader.encode({ value }));
  },
});
