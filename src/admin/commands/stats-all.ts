// mqadmin statsAll [-a] [-t topic] (StatsAllSubCommand): per topic and consuming group, the
// accumulation (GET_CONSUME_STATS 208), the put and get rates of the last minute and the messages
// put and got in the last 24 hours (VIEW_BROKER_STATS_DATA 315: TOPIC_PUT_NUMS, GROUP_GET_NUMS),
// summed over the topic's masters; groups from QUERY_TOPIC_CONSUME_BY_WHO (300). With -a only
// topics with traffic. A topic whose figures cannot be read is skipped, as Java does.
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX } from '../../message/index.js';
import { decodeTopicList, RequestCode, type BrokerStatsData } from '../../protocol/index.js';
import { AdminClient } from '../admin-client.js';
import { AdminError } from '../errors.js';
import { option, type AdminCommand, type AdminContext } from '../command.js';
import { frontStringAtLeast, javaFormat } from '../java-format.js';
import { accumulation, queryTopicConsumeByWho, viewBrokerStatsData } from '../ops/broker.js';

/** StatsAllSubCommand.compute24HourSum: the day's sum, else the hour's, else the minute's. */
export function compute24HourSum(data: BrokerStatsData): number {
  if (data.statsDay.sum !== 0) return data.statsDay.sum;
  if (data.statsHour.sum !== 0) return data.statsHour.sum;
  return data.statsMinute.sum;
}

/** Rate and 24-hour count of one statistic summed over brokers; a broker without it adds nothing. */
async function sumStats(ctx: AdminContext, masters: readonly string[], statsName: string, statsKey: string): Promise<{ tps: number; count: number }> {
  let tps = 0;
  let count = 0;
  for (const address of masters) {
    try {
      const data = await viewBrokerStatsData(ctx.admin, address, statsName, statsKey);
      tps += data.statsMinute.tps;
      count += compute24HourSum(data);
    } catch (error) {
      // As Java: a statistic the broker has not counted yet is no traffic.
      if (!(error instanceof AdminError)) throw error;
    }
  }
  return { tps, count };
}

async function printTopicDetail(ctx: AdminContext, topic: string, activeOnly: boolean): Promise<void> {
  const route = await ctx.admin.topicRoute(topic);
  const masters = route.brokerDatas.flatMap((broker) => (broker.brokerAddrs['0'] === undefined ? [] : [broker.brokerAddrs['0']]));
  const first = masters[0];
  const groups = first === undefined ? [] : await queryTopicConsumeByWho(ctx.admin, first, topic);
  const input = await sumStats(ctx, masters, 'TOPIC_PUT_NUMS', topic);
  if (groups.length === 0) {
    if (!activeOnly || input.count > 0) {
      ctx.out(javaFormat('%-64s  %-64s %12d %11.2f %11s %14d %14s', frontStringAtLeast(topic, 64), '', 0, input.tps, '', input.count, 'NO_CONSUMER'));
    }
    return;
  }
  for (const group of groups) {
    const output = await sumStats(ctx, masters, 'GROUP_GET_NUMS', `${topic}@${group}`);
    const accumulated = await accumulation(ctx.admin, masters, group, topic);
    if (!activeOnly || input.count > 0 || output.count > 0) {
      ctx.out(
        javaFormat('%-64s  %-64s %12d %11.2f %11.2f %14d %14d', frontStringAtLeast(topic, 64), frontStringAtLeast(group, 64), accumulated, input.tps, output.tps, input.count, output.count),
      );
    }
  }
}

export const statsAllCommand: AdminCommand = {
  name: 'statsAll',
  description: 'Topic and Consumer tps stats.',
  options: [option.flag('a', 'activeTopic', 'print active topic only'), option.optional('t', 'topic', 'print select topic only')],
  async run(ctx, values) {
    const response = AdminClient.ok(await ctx.admin.namesrv({ code: RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER }), 'get all topics');
    const topics = decodeTopicList(response.body).topicList;
    ctx.out(javaFormat('%-64s  %-64s %12s %11s %11s %14s %14s', '#Topic', '#Consumer Group', '#Accumulation', '#InTPS', '#OutTPS', '#InMsg24Hour', '#OutMsg24Hour'));
    const selected = typeof values['topic'] === 'string' ? values['topic'] : '';
    for (const topic of topics) {
      if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) || topic.startsWith(DLQ_GROUP_TOPIC_PREFIX)) continue;
      if (selected !== '' && topic !== selected) continue;
      try {
        await printTopicDetail(ctx, topic, values['activeTopic'] === true);
      } catch (error) {
        // As Java: a topic whose route or figures cannot be read is left out.
        if (!(error instanceof AdminError)) throw error;
      }
    }
  },
};
