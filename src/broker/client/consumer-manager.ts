/**
 * consumer-manager.ts: consumer groups, their live clients and subscriptions (ConsumerManager.java,
 * ConsumerGroupInfo.java), from heartbeats. When a group's set of clients or subscriptions
 * changes, `onGroupChanged` is told (the broker then sends NOTIFY_CONSUMER_IDS_CHANGED).
 */
import type { ConsumeType, MessageModel, SubscriptionData } from '../../protocol/index.js';
import type { Connection } from '../../remoting/index.js';
import type { ClientChannel } from './client-channel.js';

export interface ConsumerGroupInfo {
  readonly groupName: string;
  consumeType: ConsumeType;
  messageModel: MessageModel;
  consumeFromWhere: string;
  readonly channels: Map<number, ClientChannel>;
  readonly subscriptions: Map<string, SubscriptionData>;
  lastUpdateTimestamp: number;
}

export interface ConsumerRegistration {
  readonly group: string;
  readonly channel: ClientChannel;
  readonly consumeType: ConsumeType;
  readonly messageModel: MessageModel;
  readonly consumeFromWhere: string;
  readonly subscriptions: readonly SubscriptionData[];
}

export class ConsumerManager {
  private readonly groups = new Map<string, ConsumerGroupInfo>();

  constructor(private readonly onGroupChanged: (group: ConsumerGroupInfo) => void) {}

  /** Adds or refreshes a consumer; true when the group's clients or subscriptions changed. */
  register(registration: ConsumerRegistration, notify: boolean): boolean {
    const { group, channel } = registration;
    let info = this.groups.get(group);
    if (info === undefined) {
      info = {
        groupName: group,
        consumeType: registration.consumeType,
        messageModel: registration.messageModel,
        consumeFromWhere: registration.consumeFromWhere,
        channels: new Map(),
        subscriptions: new Map(),
        lastUpdateTimestamp: channel.lastUpdateTimestamp,
      };
      this.groups.set(group, info);
    }
    info.consumeType = registration.consumeType;
    info.messageModel = registration.messageModel;
    info.consumeFromWhere = registration.consumeFromWhere;
    info.lastUpdateTimestamp = channel.lastUpdateTimestamp;
    const existing = info.channels.get(channel.connection.id);
    let changed = false;
    if (existing === undefined || existing.clientId !== channel.clientId) {
      info.channels.set(channel.connection.id, channel);
      changed = true;
    } else {
      existing.lastUpdateTimestamp = channel.lastUpdateTimestamp;
    }
    if (updateSubscriptions(info, registration.subscriptions)) changed = true;
    if (changed && notify && info.messageModel !== 'BROADCASTING') this.onGroupChanged(info);
    return changed;
  }

  /** Removes one client from a group (UNREGISTER_CLIENT). */
  unregister(group: string, connection: Connection, notify: boolean): void {
    const info = this.groups.get(group);
    if (info === undefined || !info.channels.delete(connection.id)) return;
    if (info.channels.size === 0) this.groups.delete(group);
    else if (notify && info.messageModel !== 'BROADCASTING') this.onGroupChanged(info);
  }

  /** Drops a closed connection from every group, notifying the groups that lost a client. */
  removeConnection(connection: Connection, notifyOf: (group: string) => boolean): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, connection, notifyOf(group));
  }

  /** Drops clients silent since `deadline`; returns them so the broker can close their connections. */
  expire(deadline: number): ClientChannel[] {
    const expired: ClientChannel[] = [];
    for (const [group, info] of this.groups) {
      for (const channel of info.channels.values()) {
        if (channel.lastUpdateTimestamp < deadline) {
          expired.push(channel);
          info.channels.delete(channel.connection.id);
        }
      }
      if (info.channels.size === 0) this.groups.delete(group);
    }
    return expired;
  }

  get(group: string): ConsumerGroupInfo | undefined {
    return this.groups.get(group);
  }

  /** Client ids of a group, sorted as Java's rebalance expects them. */
  clientIds(group: string): string[] {
    const info = this.groups.get(group);
    if (info === undefined) return [];
    return [...new Set([...info.channels.values()].map((channel) => channel.clientId))].sort();
  }

  groupNames(): readonly string[] {
    return [...this.groups.keys()];
  }

  /** The channel of a group's client by client id (ConsumerManager.findChannel). */
  findChannel(group: string, clientId: string): ClientChannel | undefined {
    for (const channel of this.groups.get(group)?.channels.values() ?? []) if (channel.clientId === clientId) return channel;
    return undefined;
  }

  /** The group's subscription of a topic, as its clients last sent it. */
  findSubscription(group: string, topic: string): SubscriptionData | undefined {
    return this.groups.get(group)?.subscriptions.get(topic);
  }

  /** How many topics the online group subscribes to (0 when it is offline). */
  subscriptionCount(group: string): number {
    return this.groups.get(group)?.subscriptions.size ?? 0;
  }

  /**
   * Whether a group's offsets of `topic` count for it: a topic it subscribes to, or any topic while
   * it is offline or subscribes to nothing (Java's rule for consume stats and offset cloning).
   */
  countsTopic(group: string, topic: string): boolean {
    return this.subscriptionCount(group) === 0 || this.findSubscription(group, topic) !== undefined;
  }
}

/** Java's ConsumerGroupInfo.updateSubscription: newer subVersions replace, missing topics go. */
function updateSubscriptions(info: ConsumerGroupInfo, subscriptions: readonly SubscriptionData[]): boolean {
  let changed = false;
  const topics = new Set<string>();
  for (const subscription of subscriptions) {
    topics.add(subscription.topic);
    const old = info.subscriptions.get(subscription.topic);
    if (old === undefined || subscription.subVersion > old.subVersion) {
      info.subscriptions.set(subscription.topic, subscription);
      changed = true;
    }
  }
  for (const topic of [...info.subscriptions.keys()]) {
    if (!topics.has(topic)) {
      info.subscriptions.delete(topic);
      changed = true;
    }
  }
  return changed;
}
