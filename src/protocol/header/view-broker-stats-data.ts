// RequestCode.VIEW_BROKER_STATS_DATA (315): one statistic of the broker by Java's statsName
// (TOPIC_PUT_NUMS, GROUP_GET_NUMS, ...) and statsKey ("topic", "topic@group"); answer: BrokerStatsData.
import { header, str, type Infer } from './define.js';

export const ViewBrokerStatsDataRequestHeader = header({ statsName: str(), statsKey: str() });
export type ViewBrokerStatsDataRequestHeader = Infer<typeof ViewBrokerStatsDataRequestHeader>;
