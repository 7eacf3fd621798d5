// mqadmin updateSubGroup (-b <broker> | -c <cluster>) -g <group> [settings]: creates or updates a
// consumer group's settings on a broker or every master of a cluster (UpdateSubGroupSubCommand):
// consumeEnable -s, consumeFromMinEnable -m, consumeBroadcastEnable -d, consumeMessageOrderly -o,
// retryQueueNums -q, retryMaxTimes -r, brokerId -i, whichBrokerWhenConsumeSlowly -w,
// notifyConsumerIdsChanged -a, --attributes +k=v,-k.
import { encodeSubscriptionGroupConfig, newSubscriptionGroupConfig, RequestCode, type SubscriptionGroupConfig } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError, intValue, option, requiredValue, type AdminCommand, type OptionValues } from '../command.js';
import { formatHelp } from '../options-parser.js';
import { subscriptionGroupToString, targetBrokers } from '../ops/consumer.js';

/** Boolean.parseBoolean: "true" in any case is true, anything else false. */
function javaBoolean(values: OptionValues, long: string, fallback: boolean): boolean {
  const value = values[long];
  return typeof value === 'string' ? value.trim().toLowerCase() === 'true' : fallback;
}

/** AttributeParser.parseToMap: "+a=b,+c=d,-e". */
export function parseAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (text === '') return attributes;
  for (const kv of text.split(',')) {
    const [key = '', value = ''] = kv.includes('=') ? kv.split('=') : [kv, ''];
    if (kv.includes('=') && !key.includes('+')) throw new AdminError(`add/alter attribute format is wrong: ${key}`);
    if (!kv.includes('=') && !key.includes('-')) throw new AdminError(`delete attribute format is wrong: ${key}`);
    if (key in attributes) throw new AdminError(`key duplication: ${key}`);
    attributes[key] = value;
  }
  return attributes;
}

function configFrom(values: OptionValues): SubscriptionGroupConfig {
  const defaults = newSubscriptionGroupConfig(requiredValue(values, 'groupName').trim(), { consumeBroadcastEnable: false, consumeFromMinEnable: false });
  const attributes = values['attributes'];
  return {
    ...defaults,
    consumeEnable: javaBoolean(values, 'consumeEnable', defaults.consumeEnable),
    consumeFromMinEnable: javaBoolean(values, 'consumeFromMinEnable', defaults.consumeFromMinEnable),
    consumeBroadcastEnable: javaBoolean(values, 'consumeBroadcastEnable', defaults.consumeBroadcastEnable),
    consumeMessageOrderly: javaBoolean(values, 'consumeMessageOrderly', defaults.consumeMessageOrderly),
    retryQueueNums: intValue(values, 'retryQueueNums', defaults.retryQueueNums, 0),
    retryMaxTimes: intValue(values, 'retryMaxTimes', defaults.retryMaxTimes, -1),
    brokerId: intValue(values, 'brokerId', defaults.brokerId, 0, Number.MAX_SAFE_INTEGER),
    whichBrokerWhenConsumeSlowly: intValue(values, 'whichBrokerWhenConsumeSlowly', defaults.whichBrokerWhenConsumeSlowly, 0, Number.MAX_SAFE_INTEGER),
    notifyConsumerIdsChangedEnable: javaBoolean(values, 'notifyConsumerIdsChanged', defaults.notifyConsumerIdsChangedEnable),
    attributes: typeof attributes === 'string' ? parseAttributes(attributes.trim()) : defaults.attributes,
  };
}

export const updateSubGroupCommand: AdminCommand = {
  name: 'updateSubGroup',
  description: 'Update or create subscription group.',
  options: [
    option.optional('b', 'brokerAddr', 'create subscription group to which broker'),
    option.optional('c', 'clusterName', 'create subscription group to which cluster'),
    option.required('g', 'groupName', 'consumer group name'),
    option.optional('s', 'consumeEnable', 'consume enable'),
    option.optional('m', 'consumeFromMinEnable', 'from min offset'),
    option.optional('d', 'consumeBroadcastEnable', 'broadcast'),
    option.optional('o', 'consumeMessageOrderly', 'consume message orderly'),
    option.optional('q', 'retryQueueNums', 'retry queue nums'),
    option.optional('r', 'retryMaxTimes', 'retry max times'),
    option.optional('i', 'brokerId', 'consumer from which broker id'),
    option.optional('w', 'whichBrokerWhenConsumeSlowly', 'which broker id when consume slowly'),
    option.optional('a', 'notifyConsumerIdsChanged', 'notify consumerId changed'),
    option.optional('', 'attributes', 'attribute(+a=b,+c=d,-e)'),
  ],
  async run(ctx, values) {
    const config = configFrom(values);
    const brokers = await targetBrokers(ctx.admin, values['brokerAddr'], values['clusterName']);
    if (brokers === undefined) {
      ctx.out(formatHelp('mqadmin updateSubGroup', this.options));
      return;
    }
    for (const addr of brokers) {
      const body = encodeSubscriptionGroupConfig(config);
      AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, body }), `create subscription group to ${addr}`);
      ctx.out(`create subscription group to ${addr} success.`);
    }
    ctx.out(subscriptionGroupToString(config));
  },
};
