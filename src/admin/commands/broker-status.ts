// mqadmin brokerStatus -b addr | -c cluster (BrokerStatusSubCommand): every key of the broker's
// runtime info (GET_BROKER_RUNTIME_INFO 28) in key order, as Java's TreeMap prints them; with -c
// each line starts with the broker's address.
import { AdminError } from '../errors.js';
import { option, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { clusterAddresses, fetchBrokerRuntimeStats } from '../ops/broker.js';

/** Java's TreeMap order: UTF-16 code units, not locale. */
export function javaStringCompare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

async function printRuntimeStats(ctx: AdminContext, address: string, withAddress: boolean): Promise<void> {
  const table = await fetchBrokerRuntimeStats(ctx.admin, address);
  for (const key of Object.keys(table).sort(javaStringCompare)) {
    const value = table[key] ?? '';
    ctx.out(withAddress ? javaFormat('%-24s %-32s: %s', address, key, value) : javaFormat('%-32s: %s', key, value));
  }
}

export const brokerStatusCommand: AdminCommand = {
  name: 'brokerStatus',
  description: 'Fetch broker runtime status data.',
  options: [option.optional('b', 'brokerAddr', 'Broker address'), option.optional('c', 'clusterName', 'which cluster')],
  async run(ctx, values) {
    const address = values['brokerAddr'];
    const cluster = values['clusterName'];
    if (typeof address === 'string') {
      await printRuntimeStats(ctx, address.trim(), false);
      return;
    }
    if (typeof cluster !== 'string') throw new AdminError('Missing required option: [-b Broker address, -c which cluster]');
    for (const broker of await clusterAddresses(ctx.admin, cluster.trim())) {
      try {
        await printRuntimeStats(ctx, broker.address, true);
      } catch (error) {
        // As Java: one broker that does not answer does not stop the others.
        if (!(error instanceof AdminError)) throw error;
        ctx.err(error.message);
      }
    }
  },
};
