// mqadmin getNamesrvConfig (GetNamesrvConfigCommand): every name server's configuration
// (GET_NAMESRV_CONFIG 319), a banner per server and one "key=  value" line per item.
import type { AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { getNamesrvConfigs } from '../ops/namesrv.js';

export const getNamesrvConfigCommand: AdminCommand = {
  name: 'getNamesrvConfig',
  description: 'Get configs of name server.',
  options: [],
  async run(ctx) {
    for (const [addr, entries] of await getNamesrvConfigs(ctx.admin)) {
      ctx.out(`============${addr}============`);
      for (const [key, value] of entries) ctx.out(javaFormat('%-50s=  %s', key, value));
    }
  },
};
