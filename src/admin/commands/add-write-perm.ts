// mqadmin addWritePerm -b brokerName (AddWritePermSubCommand): ADD_WRITE_PERM_OF_BROKER (327) on
// every name server given with -n; built like wipeWritePerm (wipe-write-perm.ts).
import { writePermCommand } from './wipe-write-perm.js';

export const addWritePermCommand = writePermCommand(false);
