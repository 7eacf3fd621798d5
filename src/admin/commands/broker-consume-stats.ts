// mqadmin brokerConsumeStats -b <broker> [-l <diff level>] [-o true]: every group's progress on
// one broker, one line per queue with a consumed message, and the broker's total diff
// (BrokerConsumeStatsSubCommad).
import { decodeConsumeStatsList, GetConsumeStatsInBrokerHeader, RequestCode } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { intValue, option, requiredValue, type AdminCommand } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { compareQueues, decodeOrFail, formatDateTime } from '../ops/consumer.js';

const ROW = '%-64s  %-64s  %-32s  %-4s  %-20s  %-20s  %-20s  %s';

export const brokerConsumeStatsCommand: AdminCommand = {
  name: 'brokerConsumeStats',
  description: 'Fetch broker consume stats data.',
  options: [
    option.required('b', 'brokerAddr', 'Broker address'),
    option.optional('t', 'timeoutMillis', 'request timeout Millis'),
    option.optional('l', 'level', 'threshold of print diff'),
    option.optional('o', 'order', 'order topic'),
  ],
  async run(ctx, values) {
    const addr = requiredValue(values, 'brokerAddr').trim();
    const isOrder = typeof values['order'] === 'string' && values['order'].trim().toLowerCase() === 'true';
    // -t is checked but the admin client's own request timeout applies.
    intValue(values, 'timeoutMillis', 50_000, 1, Number.MAX_SAFE_INTEGER);
    const diffLevel = intValue(values, 'level', 0, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const extFields = GetConsumeStatsInBrokerHeader.encode({ isOrder });
    const response = AdminClient.ok(await ctx.admin.broker(addr, { code: RequestCode.GET_BROKER_CONSUME_STATS, extFields }), `consume stats of ${addr}`);
    const list = decodeOrFail('consume stats list', () => decodeConsumeStatsList(response.body));
    ctx.out(javaFormat(ROW, '#Topic', '#Group', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#LastTime'));
    for (const { group, stats } of list.consumeStatsList) {
      for (const topicStats of stats) {
        for (const { queue, offset } of [...topicStats.offsetTable].sort((a, b) => compareQueues(a.queue, b.queue))) {
          const diff = offset.brokerOffset - offset.consumerOffset;
          if (diff < diffLevel || offset.lastTimestamp <= 0) continue;
          ctx.out(
            javaFormat(
              '%-64s  %-64s  %-32s  %-4d  %-20d  %-20d  %-20d  %s',
              frontStringAtLeast(queue.topic, 64),
              group,
              frontStringAtLeast(queue.brokerName, 32),
              queue.queueId,
              offset.brokerOffset,
              offset.consumerOffset,
              diff,
              formatDateTime(offset.lastTimestamp),
            ),
          );
        }
      }
    }
    ctx.out('');
    ctx.out(`Diff Total: ${list.totalDiff}`);
  },
};
