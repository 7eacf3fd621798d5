// mqadmin consumerStatus -g <group> [-i <clientId>] [-b <broker>] [-s]: a consumer's internal
// state as it reports it (GET_CONSUMER_RUNNING_INFO relayed by a broker). With -i, one client's
// report; without, one line per client, each report written to a file, and the group's checks:
// same subscription, rebalance, stuck queues (ConsumerStatusSubCommand). Unlike Java, the files go
// under the system's temp directory instead of the working directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConsumerRunningInfo } from '../../protocol/index.js';
import { option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { consumerRunningInfo, examineConsumerConnection } from '../ops/consumer.js';
import { analyzeProcessQueue, formatRunningInfo, sameSubscription } from '../ops/consumer-running-info.js';
import { versionDesc } from '../ops/mq-version.js';

async function printGroup(ctx: AdminContext, group: string, brokerAddr: string | undefined, jstack: boolean): Promise<void> {
  const connection = await examineConsumerConnection(ctx.admin, group, brokerAddr);
  const now = ctx.now();
  const infos = new Map<string, ConsumerRunningInfo>();
  ctx.out(javaFormat('%-10s %-40s %-20s %s', '#Index', '#ClientId', '#Version', '#ConsumerRunningInfoFile'));
  let index = 1;
  for (const client of connection.connectionSet) {
    try {
      const info = await consumerRunningInfo(ctx.admin, group, client.clientId, jstack);
      infos.set(client.clientId, info);
      const filePath = join(tmpdir(), 'mqadmin-consumerStatus', String(now), client.clientId);
      await mkdir(join(filePath, '..'), { recursive: true });
      await writeFile(filePath, formatRunningInfo(info));
      ctx.out(javaFormat('%-10d %-40s %-20s %s', index++, client.clientId, versionDesc(client.version), filePath));
    } catch (error) {
      ctx.err(`${client.clientId}: ${(error as Error).message}`);
    }
  }
  if (infos.size === 0) return;
  const sorted = [...infos].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (!sameSubscription(sorted.map(([, info]) => info), now)) {
    ctx.out('\n\nWARN: Different subscription in the same group of consumer!!!');
    return;
  }
  ctx.out('\n\nSame subscription in the same group of consumer');
  ctx.out('\nRebalance OK');
  for (const [clientId, info] of sorted) {
    const result = analyzeProcessQueue(clientId, info, now);
    if (result.length > 0) ctx.out(result.trimEnd());
  }
}

export const consumerStatusCommand: AdminCommand = {
  name: 'consumerStatus',
  description: "Query consumer's internal data structure.",
  options: [
    option.required('g', 'consumerGroup', 'consumer group name'),
    option.optional('i', 'clientId', "The consumer's client id"),
    option.optional('b', 'brokerAddr', 'broker address'),
    option.flag('s', 'jstack', 'Run jstack command in the consumer progress'),
  ],
  async run(ctx, values) {
    const group = requiredValue(values, 'consumerGroup').trim();
    const broker = values['brokerAddr'];
    const brokerAddr = typeof broker === 'string' ? broker.trim() : undefined;
    const jstack = values['jstack'] === true;
    const clientId = values['clientId'];
    if (typeof clientId !== 'string') {
      await printGroup(ctx, group, brokerAddr, jstack);
      return;
    }
    await examineConsumerConnection(ctx.admin, group, brokerAddr);
    const info = await consumerRunningInfo(ctx.admin, group, clientId.trim(), jstack);
    ctx.out(formatRunningInfo(info).trimEnd());
  },
};
