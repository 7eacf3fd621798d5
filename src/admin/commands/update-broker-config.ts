// mqadmin updateBrokerConfig -k key -v value (-b addr | -c cluster [-a]) (UpdateBrokerConfigSubCommand):
// UPDATE_BROKER_CONFIG (25) to one broker, or to the cluster's masters (every broker with -a). The
// broker applies the change at once and persists it; a key it cannot change is refused with a reason.
import { AdminError } from '../errors.js';
import { option, requiredValue, type AdminCommand } from '../command.js';
import { clusterAddresses, updateBrokerConfig } from '../ops/broker.js';

export const updateBrokerConfigCommand: AdminCommand = {
  name: 'updateBrokerConfig',
  description: "Update broker's config.",
  options: [
    option.optional('b', 'brokerAddr', 'update which broker'),
    option.optional('c', 'clusterName', 'update which cluster'),
    option.optional('a', 'updateAllBroker', 'update all brokers include slave'),
    option.required('k', 'key', 'config key'),
    option.required('v', 'value', 'config value'),
  ],
  async run(ctx, values) {
    const entry = [requiredValue(values, 'key').trim(), requiredValue(values, 'value').trim()] as const;
    const address = values['brokerAddr'];
    const cluster = values['clusterName'];
    if (typeof address === 'string') {
      await updateBrokerConfig(ctx.admin, address.trim(), [entry]);
      ctx.out(`update broker config success, ${address.trim()}`);
      return;
    }
    if (typeof cluster !== 'string') throw new AdminError('Missing required option: [-b update which broker, -c update which cluster]');
    const brokers = await clusterAddresses(ctx.admin, cluster.trim(), values['updateAllBroker'] === undefined);
    const failures: string[] = [];
    for (const broker of brokers) {
      try {
        await updateBrokerConfig(ctx.admin, broker.address, [entry]);
        ctx.out(`update broker config success, ${broker.address}`);
      } catch (error) {
        // As Java: the other brokers are still updated; the status says some failed.
        if (!(error instanceof AdminError)) throw error;
        ctx.err(error.message);
        failures.push(broker.address);
      }
    }
    if (failures.length > 0) throw new AdminError(`update failed on ${failures.join(', ')}`);
  },
};
