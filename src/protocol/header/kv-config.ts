// Name server KV config: PUT_KV_CONFIG (100), GET_KV_CONFIG (101), DELETE_KV_CONFIG (102) and
// GET_KVLIST_BY_NAMESPACE (219).
import { header, str, type Infer } from './define.js';

export const PutKVConfigRequestHeader = header({ namespace: str(), key: str(), value: str() });
export type PutKVConfigRequestHeader = Infer<typeof PutKVConfigRequestHeader>;

export const GetKVConfigRequestHeader = header({ namespace: str(), key: str() });
export type GetKVConfigRequestHeader = Infer<typeof GetKVConfigRequestHeader>;

export const GetKVConfigResponseHeader = header({ value: str.optional() });

export const DeleteKVConfigRequestHeader = header({ namespace: str(), key: str() });
export type DeleteKVConfigRequestHeader = Infer<typeof DeleteKVConfigRequestHeader>;

export const GetKVListByNamespaceRequestHeader = header({ namespace: str() });
export type GetKVListByNamespaceRequestHeader = Infer<typeof GetKVListByNamespaceRequestHeader>;
