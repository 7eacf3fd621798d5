// RequestCode.PULL_MESSAGE (11).
import { header, int, long, str, type Infer } from './define.js';

export const PullMessageRequestHeader = header({
  consumerGroup: str(),
  topic: str(),
  queueId: int(),
  queueOffset: long(),
  maxMsgNums: int(),
  sysFlag: int(),
  commitOffset: long(),
  suspendTimeoutMillis: long(),
  subscription: str.optional(),
  subVersion: long(),
  expressionType: str.optional(),
  maxMsgBytes: int.optional(),
});
export type PullMessageRequestHeader = Infer<typeof PullMessageRequestHeader>;

/** Always carries nextBeginOffset, minOffset and maxOffset, whatever the code: clients read them. */
export const PullMessageResponseHeader = header({
  suggestWhichBrokerId: long(),
  nextBeginOffset: long(),
  minOffset: long(),
  maxOffset: long(),
  offsetDelta: long.optional(),
  topicSysFlag: int.optional(),
  groupSysFlag: int.optional(),
  forbiddenType: int.optional(),
});
export type PullMessageResponseHeader = Infer<typeof PullMessageResponseHeader>;

/** Bits of PullMessageRequestHeader.sysFlag (PullSysFlag.java). */
export const PullSysFlag = {
  COMMIT_OFFSET: 0x1,
  SUSPEND: 0x2,
  SUBSCRIPTION: 0x4,
  CLASS_FILTER: 0x8,
  LITE_PULL: 0x10,
} as const;
