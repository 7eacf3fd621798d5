// RequestCode.GET_MAX_OFFSET (30), GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32) and
// SEARCH_OFFSET_BY_TIMESTAMP (29): questions about one queue of a topic.
import { bool, header, int, long, str, type Infer } from './define.js';

export const GetMaxOffsetRequestHeader = header({ topic: str(), queueId: int(), committed: bool.optional() });
export type GetMaxOffsetRequestHeader = Infer<typeof GetMaxOffsetRequestHeader>;

export const GetMinOffsetRequestHeader = header({ topic: str(), queueId: int() });
export type GetMinOffsetRequestHeader = Infer<typeof GetMinOffsetRequestHeader>;

export const GetEarliestMsgStoretimeRequestHeader = header({ topic: str(), queueId: int() });
export type GetEarliestMsgStoretimeRequestHeader = Infer<typeof GetEarliestMsgStoretimeRequestHeader>;

/** boundaryType is "lower" (default) or "upper" (BoundaryType.java). */
export const SearchOffsetRequestHeader = header({
  topic: str(),
  queueId: int(),
  timestamp: long(),
  boundaryType: str.optional(),
});
export type SearchOffsetRequestHeader = Infer<typeof SearchOffsetRequestHeader>;

/** The answer of 29, 30 and 31. */
export const OffsetResponseHeader = header({ offset: long() });

export const GetEarliestMsgStoretimeResponseHeader = header({ timestamp: long() });
