// mqadmin getBrokerConfig -b addr | -c cluster (GetBrokerConfigCommand): the broker's config as
// GET_BROKER_CONFIG (26) answers it, one "%-50s=  %s" line per key under a banner per broker.
import { AdminError } from '../errors.js';
import { option, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { clusterAddresses, getBrokerConfig } from '../ops/broker.js';

async function getAndPrint(ctx: AdminContext, banner: string, address: string): Promise<void> {
  const entries = await getBrokerConfig(ctx.admin, address);
  ctx.out(banner);
  if (entries.length === 0) {
    ctx.out(`Broker[${address}] has no config property!`);
    return;
  }
  for (const [key, value] of entries) ctx.out(javaFormat('%-50s=  %s', key, value));
  ctx.out('');
}

export const getBrokerConfigCommand: AdminCommand = {
  name: 'getBrokerConfig',
  description: 'Get broker config by cluster or special broker.',
  options: [option.optional('b', 'brokerAddr', 'get which broker'), option.optional('c', 'clusterName', 'get which cluster')],
  async run(ctx, values) {
    const address = values['brokerAddr'];
    const cluster = values['clusterName'];
    if (typeof address === 'string') {
      await getAndPrint(ctx, `============${address.trim()}============`, address.trim());
      return;
    }
    if (typeof cluster !== 'string') throw new AdminError('Missing required option: [-b get which broker, -c get which cluster]');
    const brokers = await clusterAddresses(ctx.admin, cluster.trim());
    for (const master of brokers.filter((broker) => broker.brokerId === 0)) {
      await getAndPrint(ctx, `============Master: ${master.address}============`, master.address);
      for (const slave of brokers.filter((broker) => broker.brokerName === master.brokerName && broker.brokerId !== 0)) {
        await getAndPrint(ctx, `============My Master: ${master.address}=====Slave: ${slave.address}============`, slave.address);
      }
    }
  },
};
