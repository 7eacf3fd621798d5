// mqadmin cleanExpiredCQ [-b addr | -c cluster] (CleanExpiredCQSubCommand) and
// deleteExpiredCommitLog [-b addr | -c cluster] (DeleteExpiredCommitLogSubCommand): CLEAN_EXPIRED_CONSUMEQUEUE
// (306) / DELETE_EXPIRED_COMMITLOG (329) on one broker, the masters of a cluster, or every master;
// prints "success" when every broker did it, else "false" (and exit status 1).
import { AdminError } from '../errors.js';
import type { AdminClient } from '../admin-client.js';
import { option, type AdminCommand } from '../command.js';
import { brokersOf, cleanExpiredConsumeQueue } from '../ops/broker.js';

export function expiredFilesCommand(name: string, description: string, request: (admin: AdminClient, address: string) => Promise<void>): AdminCommand {
  return {
    name,
    description,
    options: [option.optional('b', 'brokerAddr', 'Broker address'), option.optional('c', 'cluster', 'clustername')],
    async run(ctx, values) {
      let addresses: string[];
      if (typeof values['brokerAddr'] === 'string') {
        addresses = [values['brokerAddr'].trim()];
      } else {
        const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : '';
        const info = await ctx.admin.clusterInfo();
        if (cluster !== '' && info.clusterAddrTable[cluster] === undefined) throw new AdminError(`cluster ${cluster} does not exist`);
        addresses = brokersOf(info, cluster === '' ? [] : [cluster]).filter((broker) => broker.brokerId === 0).map((broker) => broker.address);
      }
      let result = addresses.length > 0;
      for (const address of addresses) {
        try {
          await request(ctx.admin, address);
        } catch (error) {
          if (!(error instanceof AdminError)) throw error;
          ctx.err(error.message);
          result = false;
        }
      }
      ctx.out(result ? 'success' : 'false');
      if (!result) throw new AdminError(`${name} did not succeed on every broker`);
    },
  };
}

export const cleanExpiredCQCommand = expiredFilesCommand('cleanExpiredCQ', 'Clean expired ConsumeQueue on broker.', cleanExpiredConsumeQueue);
