// mqadmin updateNamesrvConfig -k key -v value (UpdateNamesrvConfigCommand): change one item of
// every name server's configuration at run time (UPDATE_NAMESRV_CONFIG 318); each server
// persists it to its configStorePath. Keys in a server's configBlackList are refused.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { updateNamesrvConfig } from '../ops/namesrv.js';

export const updateNamesrvConfigCommand: AdminCommand = {
  name: 'updateNamesrvConfig',
  description: 'Update configs of name server.',
  options: [option.required('k', 'key', 'config key'), option.required('v', 'value', 'config value')],
  async run(ctx, values) {
    const key = requiredValue(values, 'key').trim();
    const value = requiredValue(values, 'value').trim();
    await updateNamesrvConfig(ctx.admin, [[key, value]]);
    // Java prints the -n list as a List ("[a, b]"), or nothing when the servers came from elsewhere.
    const listed = typeof values['namesrvAddr'] === 'string' ? `[${ctx.admin.namesrvAddrs.join(', ')}]` : '';
    ctx.out(`update name server config success!${listed}`);
    ctx.out(`${key} : ${value}`);
  },
};
