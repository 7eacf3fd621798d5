// mqadmin topicStatus -t topic [-c cluster] (TopicStatusSubCommand): per queue of the topic, on
// every broker of its route (or of the route of -c), the min and max offset and the store time
// of the last message, sorted as MessageQueue sorts; then the topic's put TPS.
import { option, requiredValue, type AdminCommand } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { examineTopicStats } from '../ops/topic.js';

/** UtilAll.timeMillisToHumanString2: local "yyyy-MM-dd HH:mm:ss,SSS". */
export function humanTimeString2(ms: number): string {
  const date = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${String(date.getFullYear()).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())},${String(date.getMilliseconds()).padStart(3, '0')}`
  );
}

/** Java's Double.toString for the TPS figure ("0.0", "12.5"). */
export function javaDoubleString(value: number): string {
  return Number.isInteger(value) ? value.toFixed(1) : String(value);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const topicStatusCommand: AdminCommand = {
  name: 'topicStatus',
  description: 'Examine topic Status info.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.optional('c', 'cluster', 'cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const cluster = values['cluster'];
    const stats = await examineTopicStats(ctx.admin, topic, typeof cluster === 'string' ? cluster.trim() : topic);
    // MessageQueue.compareTo: topic, then broker name, then queue id.
    const sorted = [...stats.offsetTable].sort(
      (a, b) => compareText(a.queue.topic, b.queue.topic) || compareText(a.queue.brokerName, b.queue.brokerName) || a.queue.queueId - b.queue.queueId,
    );
    ctx.out(javaFormat('%-32s  %-4s  %-20s  %-20s    %s', '#Broker Name', '#QID', '#Min Offset', '#Max Offset', '#Last Updated'));
    for (const { queue, offset } of sorted) {
      const time = offset.lastUpdateTimestamp > 0 ? humanTimeString2(offset.lastUpdateTimestamp) : '';
      ctx.out(javaFormat('%-32s  %-4d  %-20d  %-20d    %s', frontStringAtLeast(queue.brokerName, 32), queue.queueId, offset.minOffset, offset.maxOffset, time));
    }
    ctx.out('');
    ctx.out(`Topic Put TPS: ${javaDoubleString(stats.topicPutTps)}`);
  },
};
