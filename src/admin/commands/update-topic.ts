// mqadmin updateTopic (-b addr | -c cluster) -t topic [-r] [-w] [-p] [-o] [-a] [-u] [-s]
// (UpdateTopicSubCommand): create or update a topic on one broker or on every master of a
// cluster; with -o true also the topic's order conf in the name servers' KV config.
import type { TopicConfig } from '../../protocol/index.js';
import { AdminError, booleanValue, intValue, option, requiredValue, type AdminCommand, type OptionValues } from '../command.js';
import {
  brokerNameOfAddr,
  brokerNamesOfCluster,
  createAndUpdateTopicConfig,
  createOrUpdateOrderConf,
  defaultTopicConfig,
  parseAttributes,
  topicConfigToString,
} from '../ops/topic.js';

/** TopicSysFlag.buildSysFlag: bit 0 unit, bit 1 unit subscription. */
function sysFlag(unit: boolean, hasUnitSub: boolean): number {
  return (unit ? 1 : 0) | (hasUnitSub ? 2 : 0);
}

/** Java reads -b or -c from an OptionGroup that must have one of them. */
export function brokerOrCluster(values: OptionValues): { broker: string } | { cluster: string } {
  const broker = values['brokerAddr'];
  const cluster = values['clusterName'];
  if (typeof broker === 'string') return { broker: broker.trim() };
  if (typeof cluster === 'string') return { cluster: cluster.trim() };
  throw new AdminError('Missing required option: [-b brokerAddr, -c clusterName]');
}

function topicConfigOf(values: OptionValues): TopicConfig {
  const base = defaultTopicConfig(requiredValue(values, 'topic').trim());
  const attributes = values['attributes'];
  return {
    ...base,
    attributes: typeof attributes === 'string' ? parseAttributes(attributes.trim()) : {},
    readQueueNums: intValue(values, 'readQueueNums', base.readQueueNums),
    writeQueueNums: intValue(values, 'writeQueueNums', base.writeQueueNums),
    perm: intValue(values, 'perm', base.perm),
    topicSysFlag: sysFlag(booleanValue(values, 'unit', false), booleanValue(values, 'hasUnitSub', false)),
    order: booleanValue(values, 'order', false),
  };
}

export const updateTopicCommand: AdminCommand = {
  name: 'updateTopic',
  description: 'Update or create topic.',
  options: [
    option.optional('b', 'brokerAddr', 'create topic to which broker'),
    option.optional('c', 'clusterName', 'create topic to which cluster'),
    option.optional('a', 'attributes', 'attribute(+a=b,+c=d,-e)'),
    option.required('t', 'topic', 'topic name'),
    option.optional('r', 'readQueueNums', 'set read queue nums'),
    option.optional('w', 'writeQueueNums', 'set write queue nums'),
    option.optional('p', 'perm', "set topic's permission(2|4|6), intro[2:W 4:R; 6:RW]"),
    option.optional('o', 'order', "set topic's order(true|false)"),
    option.optional('u', 'unit', 'is unit topic (true|false)'),
    option.optional('s', 'hasUnitSub', 'has unit sub (true|false)'),
  ],
  async run(ctx, values) {
    const target = brokerOrCluster(values);
    const config = topicConfigOf(values);
    if ('broker' in target) {
      await createAndUpdateTopicConfig(ctx.admin, target.broker, config);
      if (config.order) {
        const orderConf = `${await brokerNameOfAddr(ctx.admin, target.broker)}:${config.writeQueueNums}`;
        await createOrUpdateOrderConf(ctx.admin, config.topicName, orderConf, false);
        ctx.out(`set broker orderConf. isOrder=${config.order}, orderConf=[${orderConf}]`);
      }
      ctx.out(`create topic to ${target.broker} success.`);
      ctx.out(topicConfigToString(config));
      return;
    }
    for (const addr of await ctx.admin.masterAddrsOfCluster(target.cluster)) {
      await createAndUpdateTopicConfig(ctx.admin, addr, config);
      ctx.out(`create topic to ${addr} success.`);
    }
    if (config.order) {
      const names = await brokerNamesOfCluster(ctx.admin, target.cluster);
      const orderConf = names.map((name) => `${name}:${config.writeQueueNums}`).join(';');
      await createOrUpdateOrderConf(ctx.admin, config.topicName, orderConf, true);
      ctx.out(`set cluster orderConf. isOrder=${config.order}, orderConf=[${orderConf}]`);
    }
    ctx.out(topicConfigToString(config));
  },
};
