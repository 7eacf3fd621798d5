// mqadmin consumerProgress [-g <group> [-t <topic>] [-s true]]: a group's progress per queue
// (broker offset, consumer offset, diff, in flight, last consumed time) with totals, or, without
// -g, one line per group of the cluster (ConsumerProgressSubCommand).
import { decodeTopicList, RequestCode, type ConsumeStats } from '../../protocol/index.js';
import { RETRY_GROUP_TOPIC_PREFIX } from '../../message/index.js';
import { AdminClient } from '../admin-client.js';
import { option, type AdminCommand, type AdminContext } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { compareQueues, consumerRunningInfo, decodeOrFail, examineConsumeStats, examineConsumerConnection, formatDateTime } from '../ops/consumer.js';
import { versionDesc } from '../ops/mq-version.js';

const queueKey = (queue: { topic: string; brokerName: string; queueId: number }): string => `${queue.topic}\u0000${queue.brokerName}\u0000${queue.queueId}`;

/** Which client holds each queue (getMessageQueueAllocationResult); empty when unknown. */
async function allocation(ctx: AdminContext, group: string): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  try {
    const connection = await examineConsumerConnection(ctx.admin, group);
    for (const client of connection.connectionSet) {
      const info = await consumerRunningInfo(ctx.admin, group, client.clientId, false);
      for (const { queue } of info.mqTable) result.set(queueKey(queue), client.clientId.split('@')[0] ?? client.clientId);
    }
  } catch {
    // As Java: the table is printed without client addresses when they cannot be read.
  }
  return result;
}

async function printGroup(ctx: AdminContext, group: string, topic: string | undefined, showClientIP: boolean): Promise<void> {
  const stats = await examineConsumeStats(ctx.admin, group, topic);
  const entries = [...stats.offsetTable].sort((a, b) => compareQueues(a.queue, b.queue));
  const clients = showClientIP ? await allocation(ctx, group) : undefined;
  if (clients) {
    ctx.out(javaFormat('%-64s  %-32s  %-4s  %-20s  %-20s  %-20s %-20s %-20s%s', '#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Client IP', '#Diff', '#Inflight', '#LastTime'));
  } else {
    ctx.out(javaFormat('%-64s  %-32s  %-4s  %-20s  %-20s  %-20s %-20s%s', '#Topic', '#Broker Name', '#QID', '#Broker Offset', '#Consumer Offset', '#Diff', '#Inflight', '#LastTime'));
  }
  let diffTotal = 0;
  let inflightTotal = 0;
  for (const { queue, offset } of entries) {
    const diff = offset.brokerOffset - offset.consumerOffset;
    const inflight = offset.pullOffset - offset.consumerOffset;
    diffTotal += diff;
    inflightTotal += inflight;
    const lastTime = offset.lastTimestamp === 0 ? 'N/A' : formatDateTime(offset.lastTimestamp);
    const head = [frontStringAtLeast(queue.topic, 64), frontStringAtLeast(queue.brokerName, 32), queue.queueId, offset.brokerOffset, offset.consumerOffset];
    if (clients) ctx.out(javaFormat('%-64s  %-32s  %-4d  %-20d  %-20d  %-20s %-20d %-20d %s', ...head, clients.get(queueKey(queue)) ?? 'N/A', diff, inflight, lastTime));
    else ctx.out(javaFormat('%-64s  %-32s  %-4d  %-20d  %-20d  %-20d %-20d %s', ...head, diff, inflight, lastTime));
  }
  ctx.out('');
  ctx.out(javaFormat('Consume TPS: %.2f', stats.consumeTps));
  ctx.out(javaFormat('Consume Diff Total: %d', diffTotal));
  ctx.out(javaFormat('Consume Inflight Total: %d', inflightTotal));
}

async function printGroupLine(ctx: AdminContext, group: string): Promise<void> {
  let stats: ConsumeStats | undefined;
  try {
    stats = await examineConsumeStats(ctx.admin, group);
  } catch {
    stats = undefined;
  }
  const connection = await examineConsumerConnection(ctx.admin, group).catch(() => undefined);
  const count = connection?.connectionSet.length ?? 0;
  const minVersion = connection?.connectionSet.reduce((min, client) => Math.min(min, client.version), 2 ** 31 - 1) ?? 0;
  const type = count === 0 ? '' : connection?.consumeType === 'CONSUME_ACTIVELY' ? 'PULL' : 'PUSH';
  const model = count !== 0 && connection?.consumeType === 'CONSUME_PASSIVELY' ? (connection.messageModel ?? '') : '';
  const diffTotal = stats?.offsetTable.reduce((sum, { offset }) => sum + offset.brokerOffset - offset.consumerOffset, 0) ?? 0;
  ctx.out(
    javaFormat('%-64s  %-6d  %-24s %-5s  %-14s  %-7d  %d', frontStringAtLeast(group, 64), count, count > 0 ? versionDesc(minVersion) : 'OFFLINE', type, model, Math.trunc(stats?.consumeTps ?? 0), diffTotal),
  );
}

async function printAllGroups(ctx: AdminContext): Promise<void> {
  ctx.out(javaFormat('%-64s  %-6s  %-24s %-5s  %-14s  %-7s  %s', '#Group', '#Count', '#Version', '#Type', '#Model', '#TPS', '#Diff Total'));
  const response = AdminClient.ok(await ctx.admin.namesrv({ code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER }), 'get all topics');
  const topics = decodeOrFail('topic list', () => decodeTopicList(response.body)).topicList;
  for (const topic of topics) {
    if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) continue;
    await printGroupLine(ctx, topic.slice(RETRY_GROUP_TOPIC_PREFIX.length));
  }
}

export const consumerProgressCommand: AdminCommand = {
  name: 'consumerProgress',
  description: "Query consumer's progress, speed.",
  options: [
    option.optional('g', 'groupName', 'consumer group name'),
    option.optional('t', 'topicName', 'topic name'),
    option.optional('s', 'showClientIP', 'Show Client IP per Queue'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const group = values['groupName'];
    if (typeof group !== 'string') {
      await printAllGroups(ctx);
      return;
    }
    const topic = values['topicName'];
    const showClientIP = typeof values['showClientIP'] === 'string' && values['showClientIP'].toLowerCase() === 'true';
    await printGroup(ctx, group.trim(), typeof topic === 'string' ? topic.trim() : undefined, showClientIP);
  },
};
