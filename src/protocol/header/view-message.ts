// RequestCode.VIEW_MESSAGE_BY_ID (33): the record at a CommitLog offset.
import { header, long, str, type Infer } from './define.js';

export const ViewMessageRequestHeader = header({ offset: long(), topic: str.optional() });
export type ViewMessageRequestHeader = Infer<typeof ViewMessageRequestHeader>;
