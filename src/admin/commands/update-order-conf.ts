// mqadmin updateOrderConf -t topic -m put|get|delete [-v conf] (UpdateOrderConfCommand): a
// topic's order conf ("brokerName:queueNums;...") in the name servers' ORDER_TOPIC_CONFIG KV
// namespace. Java prints these lines without a newline; we end them with one, so shells stay tidy.
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';
import { deleteKvConfig, getKvConfig } from '../ops/namesrv.js';
import { createOrUpdateOrderConf, NAMESPACE_ORDER_TOPIC_CONFIG } from '../ops/topic.js';

export const updateOrderConfCommand: AdminCommand = {
  name: 'updateOrderConf',
  description: 'Create or update or delete order conf.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.optional('v', 'orderConf', 'set order conf [eg. brokerName1:num;brokerName2:num]'),
    option.required('m', 'method', 'option type [eg. put|get|delete'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const method = requiredValue(values, 'method').trim();
    if (method === 'get') {
      const orderConf = await getKvConfig(ctx.admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
      if (orderConf === undefined) throw new AdminError(`No config item, Namespace: ${NAMESPACE_ORDER_TOPIC_CONFIG} Key: ${topic}`);
      ctx.out(`get orderConf success. topic=[${topic}], orderConf=[${orderConf}] `);
    } else if (method === 'put') {
      const orderConf = typeof values['orderConf'] === 'string' ? values['orderConf'].trim() : '';
      if (orderConf === '') throw new AdminError('please set orderConf with option -v.');
      await createOrUpdateOrderConf(ctx.admin, topic, orderConf, true);
      ctx.out(`update orderConf success. topic=[${topic}], orderConf=[${orderConf}]`);
    } else if (method === 'delete') {
      await deleteKvConfig(ctx.admin, NAMESPACE_ORDER_TOPIC_CONFIG, topic);
      ctx.out(`delete orderConf success. topic=[${topic}]`);
    } else {
      throw new AdminError(`option -m: "${method}" is not put, get or delete`);
    }
  },
};
