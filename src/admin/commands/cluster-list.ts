// mqadmin clusterList [-m] [-i seconds] [-c cluster] (ClusterListSubCommand): one line per broker
// with its version and rates from GET_BROKER_RUNTIME_INFO; with -m the message counts of yesterday
// and today; with -i it prints again every interval until stopped (Ctrl-C), as Java does.
import { AdminError } from '../errors.js';
import { intValue, option, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { brokersOf, fetchBrokerRuntimeStats, type BrokerEntry } from '../ops/broker.js';

/** Java's getOrDefault text for figures a broker does not report (ours has no thread pools). */
const ABSENT = 'N';
const MAX_INTERVAL_S = 86_400;

function long(table: Readonly<Record<string, string>>, key: string): number {
  const value = Number(table[key]);
  return Number.isFinite(value) ? value : 0;
}

/** The first of the space-separated rates (the last 10 seconds), 0 when absent. */
function firstRate(text: string | undefined): number {
  const value = Number(text?.trim().split(' ')[0]);
  return Number.isFinite(value) ? value : 0;
}

async function runtimeOf(ctx: AdminContext, address: string): Promise<Record<string, string>> {
  try {
    return await fetchBrokerRuntimeStats(ctx.admin, address);
  } catch (error) {
    // As Java: the broker's line is still printed, with zeros.
    ctx.err((error as Error).message);
    return {};
  }
}

async function printMoreStats(ctx: AdminContext, brokers: readonly BrokerEntry[]): Promise<void> {
  ctx.out(javaFormat('%-16s  %-32s %14s %14s %14s %14s', '#Cluster Name', '#Broker Name', '#InTotalYest', '#OutTotalYest', '#InTotalToday', '#OutTotalToday'));
  for (const broker of brokers) {
    const t = await runtimeOf(ctx, broker.address);
    const inYesterday = long(t, 'msgPutTotalTodayMorning') - long(t, 'msgPutTotalYesterdayMorning');
    const outYesterday = long(t, 'msgGetTotalTodayMorning') - long(t, 'msgGetTotalYesterdayMorning');
    const inToday = long(t, 'msgPutTotalTodayNow') - long(t, 'msgPutTotalTodayMorning');
    const outToday = long(t, 'msgGetTotalTodayNow') - long(t, 'msgGetTotalTodayMorning');
    ctx.out(javaFormat('%-16s  %-32s %14d %14d %14d %14d', broker.cluster, broker.brokerName, inYesterday, outYesterday, inToday, outToday));
  }
}

function baseLine(ctx: AdminContext, broker: BrokerEntry, t: Readonly<Record<string, string>>): string {
  const get = (key: string): string => t[key] ?? ABSENT;
  const earliest = t['earliestMessageTimeStamp'];
  const hour = earliest === undefined || earliest === '' ? 0 : (ctx.now() - Number(earliest)) / 1000 / 60 / 60;
  const space = Number(t['commitLogDiskRatio'] ?? 0);
  return javaFormat(
    '%-22s  %-22s  %-4s  %-22s %-16s  %16s  %30s  %-22s  %11s  %-12s  %-8s  %10s',
    broker.cluster,
    broker.brokerName,
    broker.brokerId,
    broker.address,
    t['brokerVersionDesc'] ?? '',
    javaFormat('%9.2f(%s,%sms)', firstRate(t['putTps']), get('sendThreadPoolQueueSize'), get('sendThreadPoolQueueHeadWaitTimeMills')),
    javaFormat('%9.2f(%s,%sms|%s,%sms)', firstRate(t['getTransferredTps']), get('pullThreadPoolQueueSize'), get('pullThreadPoolQueueHeadWaitTimeMills'), get('ackThreadPoolQueueSize'), get('ackThreadPoolQueueHeadWaitTimeMills')),
    javaFormat('%d-%d(%.1fw, %.1f, %.1f)', long(t, 'timerReadBehind'), long(t, 'timerOffsetBehind'), long(t, 'timerCongestNum') / 10000, long(t, 'timerEnqueueTps'), long(t, 'timerDequeueTps')),
    get('pageCacheLockTimeMills'),
    javaFormat('%2.2f', hour),
    javaFormat('%.4f', Number.isFinite(space) ? space : 0),
    t['brokerActive'] === 'true',
  );
}

async function printBaseInfo(ctx: AdminContext, brokers: readonly BrokerEntry[]): Promise<void> {
  ctx.out(
    javaFormat(
      '%-22s  %-22s  %-4s  %-22s %-16s  %16s  %30s  %-22s  %-11s  %-12s  %-8s  %-10s',
      '#Cluster Name', '#Broker Name', '#BID', '#Addr', '#Version', '#InTPS(LOAD)', '#OutTPS(LOAD)', '#Timer(Progress)', '#PCWait(ms)', '#Hour', '#SPACE', '#ACTIVATED',
    ),
  );
  for (const broker of brokers) ctx.out(baseLine(ctx, broker, await runtimeOf(ctx, broker.address)));
}


export const clusterListCommand: AdminCommand = {
  name: 'clusterList',
  description: 'List cluster infos.',
  options: [
    option.flag('m', 'moreStats', 'Print more stats'),
    option.optional('i', 'interval', 'specify intervals numbers, it is in seconds'),
    option.optional('c', 'clusterName', 'which cluster'),
  ],
  async run(ctx, values) {
    const repeat = values['interval'] !== undefined;
    const intervalMs = intValue(values, 'interval', 1, 1, MAX_INTERVAL_S) * 1000;
    const cluster = typeof values['clusterName'] === 'string' ? values['clusterName'].trim() : undefined;
    for (let round = 0; ; round++) {
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, intervalMs));
      const info = await ctx.admin.clusterInfo();
      const clusters = cluster === undefined || cluster === '' ? [] : [cluster];
      if (cluster !== undefined && clusters.length > 0 && info.clusterAddrTable[cluster] === undefined && !repeat) {
        throw new AdminError(`cluster ${cluster} does not exist`);
      }
      const brokers = brokersOf(info, clusters);
      if (values['moreStats'] === true) await printMoreStats(ctx, brokers);
      else await printBaseInfo(ctx, brokers);
      if (!repeat) return;
    }
  },
};
