// mqadmin allocateMQ -t topic -i ip1,ip2 (AllocateMQSubCommand): how AllocateMessageQueueAveragely
// would split the topic's readable queues among these client ids, as RebalanceResult JSON.
import { AllocateMessageQueueAveragely, MessageQueue } from '../../client/index.js';
import { isReadable } from '../../protocol/index.js';
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';

export const allocateMqCommand: AdminCommand = {
  name: 'allocateMQ',
  description: 'Allocate MQ.',
  options: [option.required('t', 'topic', 'topic name'), option.required('i', 'ipList', 'ipList')],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const ips = requiredValue(values, 'ipList').trim().split(',');
    if (ips.some((ip) => ip === '')) throw new AdminError(`option -i: "${ips.join(',')}" has an empty id`);
    const route = await ctx.admin.topicRoute(topic);
    // MQClientInstance.topicRouteData2TopicSubscribeInfo, in MessageQueue order.
    const queues = route.queueDatas
      .filter((queueData) => isReadable(queueData.perm))
      .flatMap((queueData) => Array.from({ length: queueData.readQueueNums }, (_, queueId) => new MessageQueue(topic, queueData.brokerName, queueId)))
      .sort(MessageQueue.compare);
    if (queues.length === 0) throw new AdminError(`topic ${topic} has no readable queue`);
    const averagely = new AllocateMessageQueueAveragely();
    const result: Record<string, { brokerName: string; queueId: number; topic: string }[]> = {};
    for (const ip of ips) {
      result[ip] = averagely.allocate('aa', ip, queues, ips).map((queue) => ({ brokerName: queue.brokerName, queueId: queue.queueId, topic: queue.topic }));
    }
    ctx.out(JSON.stringify({ result }));
  },
};
