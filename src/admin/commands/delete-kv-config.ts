// mqadmin deleteKvConfig -s namespace -k key (DeleteKvConfigCommand): DELETE_KV_CONFIG (102) to
// every name server.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { deleteKvConfig } from '../ops/namesrv.js';

export const deleteKvConfigCommand: AdminCommand = {
  name: 'deleteKvConfig',
  description: 'Delete KV config.',
  options: [option.required('s', 'namespace', 'set the namespace'), option.required('k', 'key', 'set the key name')],
  async run(ctx, values) {
    await deleteKvConfig(ctx.admin, requiredValue(values, 'namespace').trim(), requiredValue(values, 'key').trim());
    ctx.out('delete kv config from namespace success.');
  },
};
