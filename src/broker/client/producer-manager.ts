/**
 * producer-manager.ts: producer groups and their live connections (ProducerManager.java), from
 * heartbeats; used to find a producer to ask about a transaction and by admin listings.
 */
import type { Connection } from '../../remoting/index.js';
import type { ClientChannel } from './client-channel.js';

export class ProducerManager {
  private readonly groups = new Map<string, Map<number, ClientChannel>>();
  /** Round-robin position of availableChannel (getAvailableChannel's positiveAtomicCounter). */
  private next = 0;

  register(group: string, channel: ClientChannel): void {
    let channels = this.groups.get(group);
    if (channels === undefined) {
      channels = new Map();
      this.groups.set(group, channels);
    }
    const existing = channels.get(channel.connection.id);
    if (existing) existing.lastUpdateTimestamp = channel.lastUpdateTimestamp;
    else channels.set(channel.connection.id, channel);
  }

  unregister(group: string, connection: Connection): void {
    const channels = this.groups.get(group);
    if (channels?.delete(connection.id) && channels.size === 0) this.groups.delete(group);
  }

  /** Drops a closed connection from every group. */
  removeConnection(connection: Connection): void {
    for (const group of [...this.groups.keys()]) this.unregister(group, connection);
  }

  /** Drops channels silent since `deadline`; returns them so the broker can close their connections. */
  expire(deadline: number): ClientChannel[] {
    const expired: ClientChannel[] = [];
    for (const [group, channels] of this.groups) {
      for (const channel of channels.values()) {
        if (channel.lastUpdateTimestamp < deadline) {
          expired.push(channel);
          channels.delete(channel.connection.id);
        }
      }
      if (channels.size === 0) this.groups.delete(group);
    }
    return expired;
  }

  channels(group: string): readonly ClientChannel[] {
    return [...(this.groups.get(group)?.values() ?? [])];
  }

  /** A connected producer of the group to ask about a transaction, in turn; undefined when none is. */
  availableChannel(group: string): ClientChannel | undefined {
    const open = this.channels(group).filter((channel) => !channel.connection.closed);
    if (open.length === 0) return undefined;
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return open[this.next % open.length];
  }

  groupNames(): readonly string[] {
    return [...this.groups.keys()];
  }
}
