/**
 * topic-route.ts: what a client makes of a topic's route (MQClientInstance.topicRouteData2*,
 * TopicPublishInfo.java). Pure: no I/O, no timers.
 *
 * - Publish queues: with orderTopicConf ("brokerName:queueNums;...") exactly those; otherwise, for
 *   each writable queue data (sorted by brokerName) whose broker has a master, queues
 *   0..writeQueueNums-1.
 * - Subscribe queues: queues 0..readQueueNums-1 of every readable queue data.
 * - Round robin: one index per topic that starts at a random point and counts up; a filtered
 *   selection tries each queue once and gives up (undefined) when none passes.
 */
import { isReadable, isWriteable, type BrokerData, type TopicRouteData } from '../../protocol/index.js';
import { MessageQueue } from '../message.js';

export const MASTER_ID = '0';

export type QueueFilter = (queue: MessageQueue) => boolean;

export class TopicPublishInfo {
  private index: number;

  constructor(
    readonly topic: string,
    readonly queues: readonly MessageQueue[],
    readonly orderTopic: boolean,
    /** The route had this topic itself (not the TBW102 template). */
    readonly haveTopicRouterInfo: boolean,
    random: () => number = Math.random,
  ) {
    this.index = Math.floor(random() * 0x7fffffff);
  }

  get ok(): boolean {
    return this.queues.length > 0;
  }

  private next(): number {
    this.index = (this.index + 1) & 0x7fffffff;
    return this.index;
  }

  /** The next queue in turn that passes every filter, trying each queue at most once. */
  selectOneMessageQueue(...filters: readonly QueueFilter[]): MessageQueue | undefined {
    const count = this.queues.length;
    if (count === 0) return undefined;
    if (filters.length === 0) return this.queues[this.next() % count];
    for (let attempt = 0; attempt < count; attempt++) {
      const queue = this.queues[this.next() % count];
      if (queue !== undefined && filters.every((filter) => filter(queue))) return queue;
    }
    return undefined;
  }

  /** TopicPublishInfo.resetIndex: a fresh random start, used when a send is retried. */
  resetIndex(random: () => number = Math.random): void {
    this.index = Math.floor(random() * 0x7fffffff);
  }
}

function brokerOf(route: TopicRouteData, brokerName: string): BrokerData | undefined {
  return route.brokerDatas.find((broker) => broker.brokerName === brokerName);
}

/** The queues a producer may send to (topicRouteData2TopicPublishInfo). */
export function topicRouteToPublishInfo(topic: string, route: TopicRouteData, haveTopicRouterInfo = true): TopicPublishInfo {
  const queues: MessageQueue[] = [];
  if (route.orderTopicConf !== undefined && route.orderTopicConf.length > 0) {
    for (const item of route.orderTopicConf.split(';')) {
      const [brokerName, nums] = item.split(':');
      const count = Number(nums);
      if (brokerName === undefined || !Number.isInteger(count)) continue;
      for (let queueId = 0; queueId < count; queueId++) queues.push(new MessageQueue(topic, brokerName, queueId));
    }
    return new TopicPublishInfo(topic, queues, true, haveTopicRouterInfo);
  }
  const sorted = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  for (const queueData of sorted) {
    if (!isWriteable(queueData.perm)) continue;
    const broker = brokerOf(route, queueData.brokerName);
    if (broker?.brokerAddrs[MASTER_ID] === undefined) continue;
    for (let queueId = 0; queueId < queueData.writeQueueNums; queueId++) queues.push(new MessageQueue(topic, queueData.brokerName, queueId));
  }
  return new TopicPublishInfo(topic, queues, false, haveTopicRouterInfo);
}

/** The queues a consumer may pull from (topicRouteData2TopicSubscribeInfo), sorted. */
export function topicRouteToSubscribeInfo(topic: string, route: TopicRouteData): MessageQueue[] {
  const queues: MessageQueue[] = [];
  for (const queueData of route.queueDatas) {
    if (!isReadable(queueData.perm)) continue;
    for (let queueId = 0; queueId < queueData.readQueueNums; queueId++) queues.push(new MessageQueue(topic, queueData.brokerName, queueId));
  }
  return queues.sort(MessageQueue.compare);
}

/** A route seen by the TBW102 path: its queue counts capped at the producer's defaultTopicQueueNums. */
export function capQueueNums(route: TopicRouteData, queueNums: number): TopicRouteData {
  return {
    ...route,
    queueDatas: route.queueDatas.map((queueData) => {
      const nums = Math.min(queueNums, queueData.readQueueNums);
      return { ...queueData, readQueueNums: nums, writeQueueNums: nums };
    }),
  };
}

function canonical(route: TopicRouteData): string {
  const queueDatas = [...route.queueDatas].sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0));
  const brokerDatas = [...route.brokerDatas]
    .sort((a, b) => (a.brokerName < b.brokerName ? -1 : a.brokerName > b.brokerName ? 1 : 0))
    .map((broker) => ({ ...broker, brokerAddrs: Object.fromEntries(Object.entries(broker.brokerAddrs).sort(([a], [b]) => Number(a) - Number(b))) }));
  return JSON.stringify({ orderTopicConf: route.orderTopicConf ?? null, queueDatas, brokerDatas });
}

/** TopicRouteData.topicRouteDataChanged: anything but the order of the lists differs. */
export function topicRouteChanged(old: TopicRouteData | undefined, route: TopicRouteData): boolean {
  return old === undefined || canonical(old) !== canonical(route);
}
