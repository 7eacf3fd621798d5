// mqadmin deleteSubGroup (-b <broker> | -c <cluster>) -g <group> [-r true]: removes a consumer
// group's settings (and with -r its offsets); with -c also its retry and DLQ topics
// (DeleteSubscriptionGroupCommand).
import { DeleteSubscriptionGroupRequestHeader, DeleteTopicFromNamesrvRequestHeader, DeleteTopicRequestHeader, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { formatHelp } from '../options-parser.js';

/** Deletes a topic on the cluster's masters and at the name servers (deleteTopic), best effort as Java. */
async function deleteTopicInCluster(ctx: AdminContext, masters: readonly string[], topic: string, clusterName: string): Promise<void> {
  const extFields = DeleteTopicRequestHeader.encode({ topic });
  for (const addr of masters) await ctx.admin.broker(addr, { code: RequestCode.DELETE_TOPIC_IN_BROKER, extFields });
  await ctx.admin.namesrv({ code: RequestCode.DELETE_TOPIC_IN_NAMESRV, extFields: DeleteTopicFromNamesrvRequestHeader.encode({ topic, clusterName }) });
}

export const deleteSubGroupCommand: AdminCommand = {
  name: 'deleteSubGroup',
  description: 'Delete subscription group from broker.',
  options: [
    option.optional('b', 'brokerAddr', 'delete subscription group from which broker'),
    option.optional('c', 'clusterName', 'delete subscription group from which cluster'),
    option.required('g', 'groupName', 'subscription group name'),
    option.optional('r', 'removeOffset', 'remove offset'),
  ],
  async run(ctx, values) {
    const groupName = requiredValue(values, 'groupName').trim();
    const cleanOffset = typeof values['removeOffset'] === 'string' && values['removeOffset'].trim().toLowerCase() === 'true';
    const extFields = DeleteSubscriptionGroupRequestHeader.encode({ groupName, cleanOffset });
    const broker = values['brokerAddr'];
    const cluster = values['clusterName'];
    if (typeof broker === 'string') {
      AdminClient.ok(await ctx.admin.broker(broker.trim(), { code: RequestCode.DELETE_SUBSCRIPTIONGROUP, extFields }), `delete group ${groupName}`);
      ctx.out(`delete subscription group [${groupName}] from broker [${broker.trim()}] success.`);
      return;
    }
    if (typeof cluster === 'string') {
      const masters = await ctx.admin.masterAddrsOfCluster(cluster.trim());
      for (const addr of masters) {
        AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.DELETE_SUBSCRIPTIONGROUP, extFields }), `delete group ${groupName}`);
        ctx.out(`delete subscription group [${groupName}] from broker [${addr}] in cluster [${cluster.trim()}] success.`);
      }
      for (const topic of [`%RETRY%${groupName}`, `%DLQ%${groupName}`]) {
        await deleteTopicInCluster(ctx, masters, topic, cluster.trim()).catch((error: Error) => ctx.err(error.message));
      }
      return;
    }
    ctx.out(formatHelp('mqadmin deleteSubGroup', this.options));
  },
};
