// mqadmin updateSubGroupList (-b <broker> | -c <cluster>) -f <file>: creates or updates the
// consumer groups listed in a JSON file (an array of SubscriptionGroupConfig) in one request per
// broker (UpdateSubGroupListSubCommand, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST 225).
import { access, readFile } from 'node:fs/promises';
import { decodeSubscriptionGroupConfig, encodeSubscriptionGroupList, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';
import { formatHelp } from '../options-parser.js';
import { decodeOrFail, targetBrokers } from '../ops/consumer.js';

async function readConfigs(fileName: string): Promise<ReturnType<typeof decodeSubscriptionGroupConfig>[] | undefined> {
  if (!(await access(fileName).then(() => true, () => false))) return undefined;
  const text = await readFile(fileName, 'utf8');
  return decodeOrFail(fileName, () => {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new AdminError('not a JSON array of SubscriptionGroupConfig');
    return parsed.map((item, index) => decodeSubscriptionGroupConfig(item, `[${index}]`));
  });
}

export const updateSubGroupListCommand: AdminCommand = {
  name: 'updateSubGroupList',
  description: 'Update or create subscription group in batch',
  options: [
    option.optional('b', 'brokerAddr', 'create groups to which broker'),
    option.optional('c', 'clusterName', 'create groups to which cluster'),
    option.required('f', 'filename', 'Path to a file with a list of org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig in json format'),
  ],
  async run(ctx, values) {
    const fileName = requiredValue(values, 'filename').trim();
    const configs = await readConfigs(fileName);
    if (configs === undefined) {
      ctx.out(`the file path ${fileName} does not exists`);
      return;
    }
    if (configs.length === 0) return;
    const brokers = await targetBrokers(ctx.admin, values['brokerAddr'], values['clusterName']);
    if (brokers === undefined) {
      ctx.out(formatHelp('mqadmin updateSubGroupList', this.options));
      return;
    }
    const body = encodeSubscriptionGroupList(configs);
    for (const addr of brokers) {
      AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST, body }), `create groups on ${addr}`);
      const what = typeof values['brokerAddr'] === 'string' ? 'group config' : 'subscription group config';
      ctx.out(`submit batch of ${what} to ${addr} success, please check the result later.`);
    }
  },
};
