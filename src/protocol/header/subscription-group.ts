// Consumer group settings on a broker: DELETE_SUBSCRIPTIONGROUP (207), GET_SUBSCRIPTIONGROUP_CONFIG
// (352) and GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201, whose paging fields we accept and ignore: the
// whole table is answered, as Java does unless enableSplitMetadata).
import { bool, header, int, str, type Infer } from './define.js';

/** cleanOffset: also forget the group's committed offsets (Java sends it always; default false). */
export const DeleteSubscriptionGroupRequestHeader = header({ groupName: str(), cleanOffset: bool.optional() });
export type DeleteSubscriptionGroupRequestHeader = Infer<typeof DeleteSubscriptionGroupRequestHeader>;

export const GetSubscriptionGroupConfigRequestHeader = header({ group: str() });
export type GetSubscriptionGroupConfigRequestHeader = Infer<typeof GetSubscriptionGroupConfigRequestHeader>;

export const GetAllSubscriptionGroupRequestHeader = header({ groupSeq: int.optional(), dataVersion: str.optional(), maxGroupNum: int.optional() });
export type GetAllSubscriptionGroupRequestHeader = Infer<typeof GetAllSubscriptionGroupRequestHeader>;

export const GetAllSubscriptionGroupResponseHeader = header({ totalGroupNum: int() });
