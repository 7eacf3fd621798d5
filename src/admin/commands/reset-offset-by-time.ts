// mqadmin resetOffsetByTime -g <group> -t <topic> -s <now|ms|yyyy-MM-dd#HH:mm:ss:SSS> [-f] [-b -q [-o]]:
// moves a group's offsets on a topic back (or forward) to a time without restarting its clients
// (ResetOffsetByTimeCommand): each broker of the topic resets and tells the group's live clients
// (RESET_CONSUMER_CLIENT_OFFSET); when the group is not online, the offsets are committed
// directly, as ResetOffsetByTimeOldCommand does. With -b and -q, one queue is reset.
import type { QueueOffsetEntry } from '../../protocol/index.js';
import { AdminError, booleanValue, intValue, option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { brokerConsumeStats, invokeBrokerToResetOffset, queueOffset, routeMasters, updateConsumerOffset } from '../ops/consumer.js';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/;

/** "now", milliseconds, or UtilAll.YYYY_MM_DD_HH_MM_SS_SSS in local time. */
export function parseResetTimestamp(text: string, now: number): number {
  if (text === 'now') return now;
  if (/^-?\d+$/.test(text)) return Number(text);
  const match = DATE_PATTERN.exec(text);
  if (match === null) throw new AdminError(`timestamp "${text}" is not now, milliseconds or yyyy-MM-dd#HH:mm:ss:SSS`);
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return new Date(year, month - 1, day, hour, minute, second, ms).getTime();
}

export interface Reset {
  readonly group: string;
  readonly topic: string;
  readonly timestamp: number;
  readonly text: string;
  readonly force: boolean;
  /** skipAccumulatedMessage prints no start line and calls the last column #rollbackOffset. */
  readonly skip?: boolean;
}

async function resetOneQueue(ctx: AdminContext, reset: Reset, brokerAddr: string, queueId: number, offset: number | undefined): Promise<void> {
  const { group, topic } = reset;
  ctx.out(`start reset consumer offset by specified, group[${group}], topic[${topic}], queueId[${queueId}], broker[${brokerAddr}], timestamp(string)[${reset.text}], timestamp(long)[${reset.timestamp}]`);
  const target = offset ?? (await queueOffset(ctx.admin, brokerAddr, 'search', topic, queueId, reset.timestamp));
  ctx.out(`reset consumer offset to ${target}`);
  if (target <= 0) return;
  await updateConsumerOffset(ctx.admin, brokerAddr, group, topic, queueId, target);
  await invokeBrokerToResetOffset(ctx.admin, brokerAddr, { topic, group, timestamp: 0, isForce: true, queueId, offset: target });
}

/** ResetOffsetByTimeOldCommand: commit the offsets directly (the group has no live client). */
async function resetOffline(ctx: AdminContext, reset: Reset, brokers: readonly { addr: string; queueNums: number; brokerName: string }[]): Promise<void> {
  if (reset.skip !== true) {
    ctx.out(`reset consumer offset by specified consumerGroup[${reset.group}], topic[${reset.topic}], force[${reset.force}], timestamp(string)[${reset.text}], timestamp(long)[${reset.timestamp}]`);
  }
  const last = reset.skip === true ? '#rollbackOffset' : '#resetOffset';
  ctx.out(javaFormat('%-20s  %-20s  %-20s  %-20s  %-20s  %-20s', '#brokerName', '#queueId', '#brokerOffset', '#consumerOffset', '#timestampOffset', last));
  for (const broker of brokers) {
    const consumed = (await brokerConsumeStats(ctx.admin, broker.addr, reset.group, undefined)).offsetTable.filter(({ queue }) => queue.topic === reset.topic);
    const queues = consumed.length > 0 ? consumed : [];
    if (queues.length === 0) {
      for (let queueId = 0; queueId < broker.queueNums; queueId++) {
        const brokerOffset = await queueOffset(ctx.admin, broker.addr, 'max', reset.topic, queueId);
        const consumerOffset = await queueOffset(ctx.admin, broker.addr, 'min', reset.topic, queueId);
        queues.push({ queue: { topic: reset.topic, brokerName: broker.brokerName, queueId }, offset: { brokerOffset, consumerOffset, pullOffset: consumerOffset, lastTimestamp: 0 } });
      }
    }
    for (const { queue, offset } of queues) {
      const timestampOffset = reset.timestamp === -1 ? await queueOffset(ctx.admin, broker.addr, 'max', reset.topic, queue.queueId) : await queueOffset(ctx.admin, broker.addr, 'search', reset.topic, queue.queueId, reset.timestamp);
      let rollback = offset.consumerOffset;
      if (reset.force || timestampOffset <= offset.consumerOffset) {
        rollback = timestampOffset;
        await updateConsumerOffset(ctx.admin, broker.addr, reset.group, reset.topic, queue.queueId, timestampOffset);
      }
      ctx.out(javaFormat('%-20s  %-20d  %-20d  %-20d  %-20d  %-20d', frontStringAtLeast(queue.brokerName, 32), queue.queueId, offset.brokerOffset, offset.consumerOffset, timestampOffset, rollback));
    }
  }
}

/** resetOffsetByTimestamp on every broker of the topic, or the offline way when the group is not online. */
export async function resetOnline(ctx: AdminContext, reset: Reset): Promise<void> {
  const route = await ctx.admin.topicRoute(reset.topic);
  const brokers = routeMasters(route).map((broker) => ({ ...broker, queueNums: route.queueDatas.find((queue) => queue.brokerName === broker.brokerName)?.readQueueNums ?? 0 }));
  const table: QueueOffsetEntry[] = [];
  for (const broker of brokers) {
    const outcome = await invokeBrokerToResetOffset(ctx.admin, broker.addr, { topic: reset.topic, group: reset.group, timestamp: reset.timestamp, isForce: reset.force });
    if (outcome.status === 'NOT_ONLINE') {
      await resetOffline(ctx, reset, brokers);
      return;
    }
    table.push(...outcome.offsets);
  }
  if (reset.skip !== true) {
    ctx.out(`start reset consumer offset by specified, group[${reset.group}], topic[${reset.topic}], force[${reset.force}], timestamp(string)[${reset.text}], timestamp(long)[${reset.timestamp}]`);
  }
  ctx.out(javaFormat('%-40s  %-40s  %-40s', '#brokerName', '#queueId', '#offset'));
  for (const { queue, offset } of table) ctx.out(javaFormat('%-40s  %-40d  %-40d', frontStringAtLeast(queue.brokerName, 32), queue.queueId, offset));
}

export const resetOffsetByTimeCommand: AdminCommand = {
  name: 'resetOffsetByTime',
  description: 'Reset consumer offset by timestamp(without client restart).',
  options: [
    option.required('g', 'group', 'set the consumer group'),
    option.required('t', 'topic', 'set the topic'),
    option.required('s', 'timestamp', 'set the timestamp[now|currentTimeMillis|yyyy-MM-dd#HH:mm:ss:SSS]'),
    option.optional('f', 'force', 'set the force rollback by timestamp switch[true|false]. Deprecated.'),
    option.optional('b', 'broker', 'broker addr'),
    option.optional('q', 'queue', 'queue id'),
    option.optional('o', 'offset', 'Expect queue offset, not support old version broker'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const text = requiredValue(values, 'timestamp').trim();
    const reset: Reset = {
      group: requiredValue(values, 'group').trim(),
      topic: requiredValue(values, 'topic').trim(),
      timestamp: parseResetTimestamp(text, ctx.now()),
      text,
      force: booleanValue(values, 'force', true),
    };
    const broker = values['broker'];
    const queueId = intValue(values, 'queue', -1);
    if (typeof broker === 'string' && queueId >= 0) {
      const offset = values['offset'] === undefined ? undefined : intValue(values, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
      await resetOneQueue(ctx, reset, broker.trim(), queueId, offset);
      return;
    }
    await resetOnline(ctx, reset);
  },
};
