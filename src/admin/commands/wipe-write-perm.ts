// mqadmin wipeWritePerm -b brokerName (and addWritePerm, add-write-perm.ts) (WipeWritePermSubCommand,
// AddWritePermSubCommand): WIPE_WRITE_PERM_OF_BROKER (205) / ADD_WRITE_PERM_OF_BROKER (327) on
// every name server given with -n, one line each with the number of topics changed. Unlike Java,
// a name server that fails makes the exit status 1 (after the others were tried).
import { AdminError } from '../errors.js';
import { option, requiredValue, type AdminCommand } from '../command.js';
import { changeWritePerm } from '../ops/broker.js';

export function writePermCommand(wipe: boolean): AdminCommand {
  const verb = wipe ? 'wipe' : 'add';
  return {
    name: wipe ? 'wipeWritePerm' : 'addWritePerm',
    description: `${wipe ? 'Wipe' : 'Add'} write perm of broker in all name server you defined in the -n param.`,
    options: [option.required('b', 'brokerName', 'broker name')],
    async run(ctx, values) {
      const brokerName = requiredValue(values, 'brokerName').trim();
      if (ctx.admin.namesrvAddrs.length === 0) throw new AdminError('no name server address: use -n host:9876 or set NAMESRV_ADDR');
      const failed: string[] = [];
      for (const namesrv of ctx.admin.namesrvAddrs) {
        try {
          const count = await changeWritePerm(ctx.admin, namesrv, brokerName, wipe);
          ctx.out(`${verb} write perm of broker[${brokerName}] in name server[${namesrv}] OK, ${count}`);
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          ctx.out(`${verb} write perm of broker[${brokerName}] in name server[${namesrv}] Failed`);
          ctx.err(error.message);
          failed.push(namesrv);
        }
      }
      if (failed.length > 0) throw new AdminError(`failed on name server ${failed.join(', ')}`);
    },
  };
}

export const wipeWritePermCommand = writePermCommand(true);
