/**
 * gc-meter.ts: this process's garbage collections over a stretch of work, from perf_hooks' 'gc'
 * entries (what `node --trace-gc` prints, counted): scavenges and mark-compacts with their pause
 * time. The drain comparisons of docs/benchmarks.md read these.
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

export interface GcSummary {
  readonly scavenges: number;
  readonly scavengeMs: number;
  readonly markCompacts: number;
  readonly markCompactMs: number;
}

/** Starts counting; the returned function stops and gives the counts since. */
export function meterGc(): () => GcSummary {
  const totals = { scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0 };
  const count = (entries: readonly PerformanceEntry[]): void => {
    for (const entry of entries) {
      const kind = ((entry as unknown as { detail?: { kind?: number } }).detail)?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
        totals.scavenges++;
        totals.scavengeMs += entry.duration;
      } else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        totals.markCompacts++;
        totals.markCompactMs += entry.duration;
      }
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ type: 'gc' });
  return () => {
    count(observer.takeRecords());
    observer.disconnect();
    return { ...totals };
  };
}

export function gcLine(gc: GcSummary): string {
  return `GC: ${gc.scavenges} scavenges (${gc.scavengeMs.toFixed(0)} ms), ${gc.markCompacts} mark-compacts (${gc.markCompactMs.toFixed(0)} ms)`;
}
