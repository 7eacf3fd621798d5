// mqadmin getConsumerConfig -g <group>: a consumer group's settings on every broker of every
// cluster that has it, field by field (GetConsumerConfigSubCommand).
import { decodeSubscriptionGroupConfigBody, GetSubscriptionGroupConfigRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { decodeOrFail, javaToString, selectBrokerAddr, SUBSCRIPTION_GROUP_FIELDS } from '../ops/consumer.js';

export const getConsumerConfigCommand: AdminCommand = {
  name: 'getConsumerConfig',
  description: 'Get consumer config by subscription group name.',
  options: [option.required('g', 'groupName', 'subscription group name')],
  async run(ctx, values) {
    const group = requiredValue(values, 'groupName').trim();
    const info = await ctx.admin.clusterInfo();
    const extFields = GetSubscriptionGroupConfigRequestHeader.encode({ group });
    for (const [brokerName, broker] of Object.entries(info.brokerAddrTable)) {
      const addr = selectBrokerAddr(broker);
      if (addr === undefined) continue;
      const response = await ctx.admin.broker(addr, { code: RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG, extFields });
      if (response.code === ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST) continue;
      AdminClient.ok(response, `config of ${group} on ${addr}`);
      const config = decodeOrFail('subscription group config', () => decodeSubscriptionGroupConfigBody(response.body));
      const cluster = Object.entries(info.clusterAddrTable).find(([, names]) => names.includes(brokerName))?.[0] ?? 'null';
      ctx.out(`=============================${cluster}:${brokerName}=============================`);
      for (const field of SUBSCRIPTION_GROUP_FIELDS) ctx.out(javaFormat('%s%-40s=  %s', '', field, javaToString(config[field])));
    }
  },
};
