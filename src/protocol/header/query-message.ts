// RequestCode.QUERY_MESSAGE (12): messages of a topic by key within a store-time range
// (QueryMessageRequestHeader / QueryMessageResponseHeader). Java tools send endTimestamp =
// Long.MAX_VALUE for "no end", hence saturatedLong.
import { header, int, long, saturatedLong, str, type Infer } from './define.js';

/** extFields flag of a lookup by unique key (MixAll.UNIQUE_MSG_QUERY_FLAG): its value is "true". */
export const UNIQUE_MSG_QUERY_FLAG = '_UNIQUE_KEY_QUERY';

export const QueryMessageRequestHeader = header({
  topic: str(),
  key: str(),
  maxNum: int(),
  beginTimestamp: saturatedLong(),
  endTimestamp: saturatedLong(),
});
export type QueryMessageRequestHeader = Infer<typeof QueryMessageRequestHeader>;

export const QueryMessageResponseHeader = header({ indexLastUpdateTimestamp: long(), indexLastUpdatePhyoffset: long() });
export type QueryMessageResponseHeader = Infer<typeof QueryMessageResponseHeader>;
