// RequestCode.WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327).
import { header, int, str, type Infer } from './define.js';

export const WipeWritePermOfBrokerRequestHeader = header({ brokerName: str() });
export type WipeWritePermOfBrokerRequestHeader = Infer<typeof WipeWritePermOfBrokerRequestHeader>;
export const WipeWritePermOfBrokerResponseHeader = header({ wipeTopicCount: int() });

export const AddWritePermOfBrokerRequestHeader = header({ brokerName: str() });
export type AddWritePermOfBrokerRequestHeader = Infer<typeof AddWritePermOfBrokerRequestHeader>;
export const AddWritePermOfBrokerResponseHeader = header({ addTopicCount: int() });
