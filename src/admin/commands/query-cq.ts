// mqadmin queryCq -t <topic> -q <queueId> -i <index> [-c <count>] [-b <brokerAddr>] [-g <group>]
// (QueryConsumeQueueCommand): ConsumeQueue entries of a queue through QUERY_CONSUME_QUEUE (321),
// on the given broker or the first broker of the topic's route.
import { consumeQueueDataToString, decodeQueryConsumeQueueResponseBody, QueryConsumeQueueRequestHeader, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { AdminError } from '../errors.js';
import { fastJsonPretty } from '../ops/message-format.js';
import { selectBrokerAddr } from '../ops/message.js';

const RULE = '======================================';

export const queryCqCommand: AdminCommand = {
  name: 'queryCq',
  description: 'Query cq command.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.required('q', 'queue', 'queue num, ie. 1'),
    option.required('i', 'index', 'start queue index.'),
    option.optional('c', 'count', 'how many.'),
    option.optional('b', 'broker', 'broker addr.'),
    option.optional('g', 'consumer', 'consumer group.'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const queueId = intValue(values, 'queue', 0);
    const index = intValue(values, 'index', 0, 0, Number.MAX_SAFE_INTEGER);
    const count = intValue(values, 'count', 10);
    const consumerGroup = typeof values['consumer'] === 'string' ? values['consumer'].trim() : undefined;
    let broker = typeof values['broker'] === 'string' ? values['broker'].trim() : '';
    if (broker.length === 0) {
      const first = (await ctx.admin.topicRoute(topic)).brokerDatas[0];
      const address = first === undefined ? undefined : selectBrokerAddr(first);
      if (address === undefined) throw new AdminError('No topic route data!');
      broker = address;
    }
    const extFields = QueryConsumeQueueRequestHeader.encode({ topic, queueId, index, count, consumerGroup });
    const response = AdminClient.ok(await ctx.admin.broker(broker, { code: RequestCode.QUERY_CONSUME_QUEUE, extFields }), `query consume queue ${queueId}@${topic}`);
    const body = decodeQueryConsumeQueueResponseBody(response.body);
    const lines: string[] = [];
    if (body.subscriptionData !== undefined) lines.push('Subscription data: ', fastJsonPretty(body.subscriptionData), RULE);
    if (body.filterData !== undefined) lines.push('Filter data: ', body.filterData, RULE);
    lines.push('Queue data: ', `max: ${body.maxQueueIndex}, min: ${body.minQueueIndex}`, RULE);
    for (const [offset, data] of (body.queueData ?? []).entries()) lines.push(`idx: ${index + offset}`, consumeQueueDataToString(data), RULE);
    for (const line of lines) ctx.out(line);
  },
};
