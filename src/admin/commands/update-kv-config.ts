// mqadmin updateKvConfig -s namespace -k key -v value (UpdateKvConfigCommand): PUT_KV_CONFIG
// (100) to every name server.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { putKvConfig } from '../ops/namesrv.js';

export const updateKvConfigCommand: AdminCommand = {
  name: 'updateKvConfig',
  description: 'Create or update KV config.',
  options: [
    option.required('s', 'namespace', 'set the namespace'),
    option.required('k', 'key', 'set the key name'),
    option.required('v', 'value', 'set the key value'),
  ],
  async run(ctx, values) {
    await putKvConfig(ctx.admin, requiredValue(values, 'namespace').trim(), requiredValue(values, 'key').trim(), requiredValue(values, 'value').trim());
    ctx.out('create or update kv config to namespace success.');
  },
};
