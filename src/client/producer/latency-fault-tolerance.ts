/**
 * latency-fault-tolerance.ts: which brokers a producer avoids for a while (MQFaultStrategy.java,
 * LatencyFaultToleranceImpl.java). After every send the broker's latency is recorded; a latency at
 * or above latencyMax[i] makes the broker unavailable for notAvailableDuration[i] ms, and a failure
 * counts as 10 s ("isolation"), i.e. 10 s out. Queue selection prefers available brokers, then
 * reachable ones, then any, and never the broker that just failed when another exists.
 *
 * With sendLatencyFaultEnable off (Java's default) only the last-failed-broker rule applies.
 * The table holds one item per broker name the producer sends to, so it is bounded by the cluster.
 */
import type { TopicPublishInfo } from '../route/topic-route.js';
import type { MessageQueue } from '../message.js';

export const LATENCY_MAX_MS: readonly number[] = [50, 100, 550, 1800, 3000, 5000, 15000];
export const NOT_AVAILABLE_DURATION_MS: readonly number[] = [0, 0, 2000, 5000, 6000, 10000, 30000];
/** The latency a failed send counts as. */
export const ISOLATION_LATENCY_MS = 10_000;

interface FaultItem {
  currentLatency: number;
  /** Unavailable until this time (ms). */
  startTimestamp: number;
  reachable: boolean;
}

export class LatencyFaultTolerance {
  private readonly items = new Map<string, FaultItem>();

  constructor(private readonly now: () => number = Date.now) {}

  updateFaultItem(name: string, currentLatency: number, notAvailableDurationMs: number, reachable: boolean): void {
    let item = this.items.get(name);
    if (item === undefined) {
      item = { currentLatency, startTimestamp: 0, reachable };
      this.items.set(name, item);
    }
    item.currentLatency = currentLatency;
    const until = this.now() + notAvailableDurationMs;
    if (notAvailableDurationMs > 0 && until > item.startTimestamp) item.startTimestamp = until;
    item.reachable = reachable;
  }

  isAvailable(name: string): boolean {
    const item = this.items.get(name);
    return item === undefined || this.now() >= item.startTimestamp;
  }

  isReachable(name: string): boolean {
    return this.items.get(name)?.reachable ?? true;
  }

  remove(name: string): void {
    this.items.delete(name);
  }
}

/** MQFaultStrategy.computeNotAvailableDuration. */
export function computeNotAvailableDuration(latencyMs: number): number {
  for (let index = LATENCY_MAX_MS.length - 1; index >= 0; index--) {
    if (latencyMs >= (LATENCY_MAX_MS[index] ?? Infinity)) return NOT_AVAILABLE_DURATION_MS[index] ?? 0;
  }
  return 0;
}

export class MQFaultStrategy {
  readonly tolerance: LatencyFaultTolerance;

  constructor(
    readonly sendLatencyFaultEnable: boolean,
    now: () => number = Date.now,
  ) {
    this.tolerance = new LatencyFaultTolerance(now);
  }

  /** The queue of the next attempt; `lastBrokerName` is the broker the previous attempt failed on. */
  selectOneMessageQueue(info: TopicPublishInfo, lastBrokerName: string | undefined, resetIndex: boolean): MessageQueue | undefined {
    // A first attempt without the fault strategy takes the next queue: every queue passes the filter.
    if (lastBrokerName === undefined && !this.sendLatencyFaultEnable) return info.selectOneMessageQueue();
    const notLast = (queue: MessageQueue): boolean => lastBrokerName === undefined || queue.brokerName !== lastBrokerName;
    if (this.sendLatencyFaultEnable) {
      if (resetIndex) info.resetIndex();
      return (
        info.selectOneMessageQueue((queue) => this.tolerance.isAvailable(queue.brokerName), notLast) ??
        info.selectOneMessageQueue((queue) => this.tolerance.isReachable(queue.brokerName), notLast) ??
        info.selectOneMessageQueue()
      );
    }
    return info.selectOneMessageQueue(notLast) ?? info.selectOneMessageQueue();
  }

  /** Records a send's outcome; `isolation` marks a failure. */
  updateFaultItem(brokerName: string, latencyMs: number, isolation: boolean, reachable: boolean): void {
    if (!this.sendLatencyFaultEnable) return;
    const duration = computeNotAvailableDuration(isolation ? ISOLATION_LATENCY_MS : latencyMs);
    this.tolerance.updateFaultItem(brokerName, latencyMs, duration, reachable);
  }
}
