/**
 * route-table.ts: what one client knows of the cluster (MQClientInstance's topicRouteTable and
 * brokerAddrTable): the last route of every topic it uses, the address of every broker those
 * routes name, and each topic's publish queues. State only; fetching routes is the instance's job.
 *
 * A failed refresh keeps the previous route (a broker that restarts keeps its address), and a
 * broker address leaves the table only when no route names it any more (cleanOfflineBroker).
 */
import type { TopicRouteData } from '../../protocol/index.js';
import type { MessageQueue } from '../message.js';
import { MASTER_ID, topicRouteChanged, topicRouteToPublishInfo, topicRouteToSubscribeInfo, type TopicPublishInfo } from './topic-route.js';

export interface FindBrokerResult {
  readonly address: string;
  readonly slave: boolean;
}

export class RouteTable {
  private readonly routes = new Map<string, TopicRouteData>();
  /** brokerName → (brokerId → "ip:port"). */
  private readonly brokerAddrs = new Map<string, Readonly<Record<string, string>>>();
  private readonly publish = new Map<string, TopicPublishInfo>();

  /** Stores a fresh route; true when it differs from the one held (Java's "changed"). */
  update(topic: string, route: TopicRouteData): boolean {
    const changed = topicRouteChanged(this.routes.get(topic), route);
    if (!changed) return false;
    for (const broker of route.brokerDatas) this.brokerAddrs.set(broker.brokerName, { ...broker.brokerAddrs });
    this.routes.set(topic, route);
    this.publish.set(topic, topicRouteToPublishInfo(topic, route));
    return true;
  }

  route(topic: string): TopicRouteData | undefined {
    return this.routes.get(topic);
  }

  topics(): string[] {
    return [...this.routes.keys()];
  }

  publishInfo(topic: string): TopicPublishInfo | undefined {
    return this.publish.get(topic);
  }

  subscribeInfo(topic: string): MessageQueue[] | undefined {
    const route = this.routes.get(topic);
    return route === undefined ? undefined : topicRouteToSubscribeInfo(topic, route);
  }

  /** The master's address (findBrokerAddressInPublish). */
  masterAddress(brokerName: string): string | undefined {
    return this.brokerAddrs.get(brokerName)?.[MASTER_ID];
  }

  /** findBrokerAddressInSubscribe: the given broker id, then id + 1 for a slave, then (unless onlyThisBroker) any. */
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): FindBrokerResult | undefined {
    const addrs = this.brokerAddrs.get(brokerName);
    if (addrs === undefined) return undefined;
    const exact = addrs[String(brokerId)];
    if (exact !== undefined) return { address: exact, slave: brokerId !== 0 };
    if (brokerId !== 0) {
      const next = addrs[String(brokerId + 1)];
      if (next !== undefined) return { address: next, slave: true };
    }
    if (onlyThisBroker) return undefined;
    const first = Object.entries(addrs)[0];
    return first === undefined ? undefined : { address: first[1], slave: first[0] !== MASTER_ID };
  }

  /** A broker of the topic to ask about its group (findBrokerAddrByTopic): a random one's master, else any of its nodes. */
  anyBrokerAddressOfTopic(topic: string, random: () => number = Math.random): string | undefined {
    const brokers = this.routes.get(topic)?.brokerDatas ?? [];
    const broker = brokers[Math.floor(random() * brokers.length)];
    if (broker === undefined) return undefined;
    const addresses = Object.values(broker.brokerAddrs);
    return broker.brokerAddrs[MASTER_ID] ?? addresses[Math.floor(random() * addresses.length)];
  }

  /** Every known broker node as [brokerName, brokerId, address]. */
  brokerNodes(): [string, string, string][] {
    const nodes: [string, string, string][] = [];
    for (const [brokerName, addrs] of this.brokerAddrs) for (const [id, address] of Object.entries(addrs)) nodes.push([brokerName, id, address]);
    return nodes;
  }

  isBrokerAddress(address: string): boolean {
    for (const addrs of this.brokerAddrs.values()) if (Object.values(addrs).includes(address)) return true;
    return false;
  }

  /** Drops broker addresses no route names any more (MQClientInstance.cleanOfflineBroker). */
  cleanOfflineBrokers(): void {
    const live = new Set<string>();
    for (const route of this.routes.values()) for (const broker of route.brokerDatas) for (const address of Object.values(broker.brokerAddrs)) live.add(address);
    for (const [brokerName, addrs] of [...this.brokerAddrs]) {
      const kept = Object.fromEntries(Object.entries(addrs).filter(([, address]) => live.has(address)));
      if (Object.keys(kept).length === 0) this.brokerAddrs.delete(brokerName);
      else this.brokerAddrs.set(brokerName, kept);
    }
  }
}
