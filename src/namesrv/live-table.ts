/**
 * live-table.ts: brokerLiveTable of RouteInfoManager.java: which broker addresses are alive,
 * keyed by (cluster name, broker address) as in Java's BrokerAddrInfo.
 *
 * Each entry holds the time of the broker's last REGISTER_BROKER (or BROKER_HEARTBEAT /
 * QUERY_DATA_VERSION), its heartbeat timeout, the DataVersion it last registered, the id of the
 * connection it registered over and its HA address. Pure state: no sockets, no timers.
 */
import type { DataVersion } from '../protocol/index.js';
import type { Clock } from '../time/index.js';

/** A broker is dropped this long after its last registration unless it says otherwise. */
export const BROKER_CHANNEL_EXPIRED_MS = 120_000;

export interface BrokerIdentity {
  readonly clusterName: string;
  readonly brokerAddr: string;
  readonly brokerName: string;
  readonly brokerId: number;
}

export interface LiveBroker {
  readonly clusterName: string;
  readonly brokerAddr: string;
  readonly lastUpdateMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly dataVersion: DataVersion;
  /** Id of the connection the broker registered over (Connection.id); never the Connection. */
  readonly connectionId: number;
  readonly haServerAddr: string;
}

/** The key of a (cluster, address) pair; NUL cannot occur in either. */
export function liveKey(clusterName: string, brokerAddr: string): string {
  return `${clusterName}\u0000${brokerAddr}`;
}

export class LiveTable {
  private readonly entries = new Map<string, LiveBroker>();

  constructor(private readonly clock: Clock) {}

  get(clusterName: string, brokerAddr: string): LiveBroker | undefined {
    return this.entries.get(liveKey(clusterName, brokerAddr));
  }

  set(entry: Omit<LiveBroker, 'heartbeatTimeoutMs'> & { readonly heartbeatTimeoutMs: number | undefined }): void {
    this.entries.set(liveKey(entry.clusterName, entry.brokerAddr), {
      ...entry,
      heartbeatTimeoutMs: entry.heartbeatTimeoutMs ?? BROKER_CHANNEL_EXPIRED_MS,
    });
  }

  /** Marks the broker alive now; false if it is not in the table. */
  touch(clusterName: string, brokerAddr: string): boolean {
    const key = liveKey(clusterName, brokerAddr);
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.set(key, { ...entry, lastUpdateMs: this.clock.now() });
    return true;
  }

  delete(clusterName: string, brokerAddr: string): boolean {
    return this.entries.delete(liveKey(clusterName, brokerAddr));
  }

  all(): LiveBroker[] {
    return [...this.entries.values()];
  }
}
