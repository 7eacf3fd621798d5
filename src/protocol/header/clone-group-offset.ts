// CLONE_GROUP_OFFSET (314): copy srcGroup's committed offsets to destGroup, on one topic or (no
// topic) on every topic srcGroup has offsets for. Unless `offline`, a topic the online srcGroup
// does not subscribe to is skipped.
import { bool, header, str, type Infer } from './define.js';

export const CloneGroupOffsetRequestHeader = header({ srcGroup: str(), destGroup: str(), topic: str.optional(), offline: bool.optional() });
export type CloneGroupOffsetRequestHeader = Infer<typeof CloneGroupOffsetRequestHeader>;
