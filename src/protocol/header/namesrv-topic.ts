// Name server topic requests: GET_ROUTEINFO_BY_TOPIC (105), GET_TOPICS_BY_CLUSTER (224) and
// DELETE_TOPIC_IN_NAMESRV (216).
import { bool, header, str, type Infer } from './define.js';

export const GetRouteInfoRequestHeader = header({ topic: str(), acceptStandardJsonOnly: bool.optional() });
export type GetRouteInfoRequestHeader = Infer<typeof GetRouteInfoRequestHeader>;

export const GetTopicsByClusterRequestHeader = header({ cluster: str() });
export type GetTopicsByClusterRequestHeader = Infer<typeof GetTopicsByClusterRequestHeader>;

export const DeleteTopicFromNamesrvRequestHeader = header({ topic: str(), clusterName: str.optional() });
export type DeleteTopicFromNamesrvRequestHeader = Infer<typeof DeleteTopicFromNamesrvRequestHeader>;
