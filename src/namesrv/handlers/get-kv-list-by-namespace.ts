// RequestCode.GET_KVLIST_BY_NAMESPACE (219): body KVTable {"table":{..}}, or QUERY_NOT_FOUND.
import { encodeKVTable, GetKVListByNamespaceRequestHeader, RequestCode, ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const getKVListByNamespace = defineHandler<NamesrvContext, typeof GetKVListByNamespaceRequestHeader.fields>({
  code: RequestCode.GET_KVLIST_BY_NAMESPACE,
  header: GetKVListByNamespaceRequestHeader,
  handle(ctx, { header }) {
    const table = ctx.kv.namespace(header.namespace);
    if (table === undefined) throw new ResponseCodeError(ResponseCode.QUERY_NOT_FOUND, `No config item, Namespace: ${header.namespace}`);
    return ok(undefined, encodeKVTable(table));
  },
});
