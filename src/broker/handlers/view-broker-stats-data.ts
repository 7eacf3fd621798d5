// RequestCode.VIEW_BROKER_STATS_DATA (315): one statistic by Java's statsName and statsKey
// (TOPIC_PUT_NUMS "topic", GROUP_GET_NUMS "topic@group", BROKER_PUT_NUMS "cluster", ...) as
// BrokerStatsData: sum, tps and avgpt over the last minute, hour and day, from ctx.stats. An item
// never counted (or dropped as idle) is Java's SYSTEM_ERROR "The stats <name> <key> not exist".
import { encodeBrokerStatsData, RequestCode, ResponseCode, ViewBrokerStatsDataRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const viewBrokerStatsDataHandler = defineHandler<BrokerContext, typeof ViewBrokerStatsDataRequestHeader.fields>({
  code: RequestCode.VIEW_BROKER_STATS_DATA,
  header: ViewBrokerStatsDataRequestHeader,
  handle(ctx, { header }) {
    const item = ctx.stats.statsItem(header.statsName, header.statsKey);
    if (item === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `The stats <${header.statsName}> <${header.statsKey}> not exist`);
    const { minute, hour, day } = ctx.stats.snapshots(item);
    const of = (snapshot: typeof minute) => ({ sum: snapshot.sum, tps: snapshot.tps, avgpt: snapshot.avgpt });
    return ok(undefined, encodeBrokerStatsData({ statsMinute: of(minute), statsHour: of(hour), statsDay: of(day) }));
  },
});
