/**
 * timer-metrics.ts: how many timer messages wait, per real topic (TimerMetrics.java's
 * timingCount), as the GET_TIMER_METRICS body and <storePathRootDir>/timer/metrics.json, both in
 * Java's JSON: {"dataVersion":{...},"timingCount":{"<topic>":{"count":n,"timeStamp":ms}}}.
 *
 * A count goes up when a message enters the timer and down when it is delivered, skipped or
 * recalled. It is written with each checkpoint, so after a crash it is approximate, as Java's.
 * Bound: TOPICS_MAX topics; more are not counted (logged once).
 */
import { readFile } from 'node:fs/promises';
import { dataVersionToJson, decodeDataVersion, type DataVersion } from '../../protocol/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { writeFileAtomically } from './timer-checkpoint.js';

const TOPICS_MAX = 65_536;

interface Metric {
  count: number;
  timeStamp: number;
}

export class TimerMetrics {
  private readonly counts = new Map<string, Metric>();
  private version: DataVersion;
  private dirty = false;
  private warned = false;

  constructor(
    private readonly path: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.version = { stateVersion: 0, timestamp: clock.now(), counter: 0 };
  }

  add(topic: string | undefined, delta: number): void {
    if (topic === undefined) return;
    let metric = this.counts.get(topic);
    if (metric === undefined) {
      if (this.counts.size >= TOPICS_MAX) {
        if (!this.warned) this.logger.warn({ topics: TOPICS_MAX }, 'timer metrics count this many topics at most');
        this.warned = true;
        return;
      }
      metric = { count: 0, timeStamp: this.clock.now() };
      this.counts.set(topic, metric);
    }
    metric.count += delta;
    this.dirty = true;
  }

  count(topic: string): number {
    return this.counts.get(topic)?.count ?? 0;
  }

  encode(): string {
    const timingCount: Record<string, Metric> = {};
    for (const [topic, metric] of this.counts) timingCount[topic] = { count: metric.count, timeStamp: metric.timeStamp };
    return JSON.stringify({ dataVersion: dataVersionToJson(this.version), timingCount });
  }

  async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const root = JSON.parse(text) as { dataVersion?: unknown; timingCount?: Record<string, { count?: unknown; timeStamp?: unknown }> };
      if (root.dataVersion !== undefined) this.version = decodeDataVersion(root.dataVersion, 'timer metrics.dataVersion');
      for (const [topic, metric] of Object.entries(root.timingCount ?? {})) {
        if (typeof metric.count === 'number' && typeof metric.timeStamp === 'number') this.counts.set(topic, { count: metric.count, timeStamp: metric.timeStamp });
      }
    } catch (error) {
      this.logger.error({ file: this.path, err: error }, 'cannot read the timer metrics; counting from zero');
    }
  }

  /** Writes the file when a count changed since the last write. */
  async persist(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    this.version = { ...this.version, timestamp: this.clock.now(), counter: this.version.counter + 1 };
    await writeFileAtomically(this.path, Buffer.from(this.encode()));
  }
}
