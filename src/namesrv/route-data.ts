/**
 * route-data.ts: the route table's records (BrokerData, QueueData as mutable state) and the pure
 * functions over them: snapshots for answers, equality, the smallest broker id, and the
 * acting-master view of a master-less group (RouteInfoManager.pickupTopicRouteData).
 */
import { isWriteable, type BrokerData, type QueueData } from '../protocol/index.js';

/** MixAll.MASTER_ID. */
export const MASTER_ID = 0;

export interface MutableBrokerData {
  readonly cluster: string;
  readonly brokerName: string;
  readonly brokerAddrs: Map<number, string>;
  enableActingMaster: boolean;
}

export type MutableQueueData = { -readonly [K in keyof QueueData]: QueueData[K] };

export function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.perm === b.perm &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.topicSysFlag === b.topicSysFlag
  );
}

export function minId(addrs: ReadonlyMap<number, string>): number | undefined {
  let min: number | undefined;
  for (const id of addrs.keys()) if (min === undefined || id < min) min = id;
  return min;
}

export function brokerDataSnapshot(data: MutableBrokerData): BrokerData {
  const ids = [...data.brokerAddrs.keys()].sort((a, b) => a - b);
  return {
    cluster: data.cluster,
    brokerName: data.brokerName,
    brokerAddrs: Object.fromEntries(ids.map((id) => [String(id), data.brokerAddrs.get(id) ?? ''])),
    enableActingMaster: data.enableActingMaster,
  };
}

/** A master-less acting-master group whose queues are read-only is served by its smallest id as id 0. */
export function withActingMaster(data: BrokerData, queueDatas: readonly QueueData[]): BrokerData {
  const ids = Object.keys(data.brokerAddrs).map(Number);
  if (ids.length === 0 || ids.includes(MASTER_ID) || !data.enableActingMaster) return data;
  const queueData = queueDatas.find((queue) => queue.brokerName === data.brokerName);
  if (queueData === undefined || isWriteable(queueData.perm)) return data;
  const smallest = Math.min(...ids);
  const brokerAddrs: Record<string, string> = { ...data.brokerAddrs };
  const actingAddr = brokerAddrs[String(smallest)] ?? '';
  delete brokerAddrs[String(smallest)];
  brokerAddrs[String(MASTER_ID)] = actingAddr;
  return { ...data, brokerAddrs };
}
