/**
 * print.ts: the lines the command-line benchmarks print: one per second and a summary, plus the
 * machine (load average included, so a noisy run shows in its own output).
 */
import { cpus, loadavg, release } from 'node:os';
import { formatUs } from './histogram.js';
import type { Interval, Result } from './workload.js';

const MIB = 1024 * 1024;

function number(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function load(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

export function machineLine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Linux ${release()}, Node ${process.version}, load average ${load()}`;
}

/** One line per second; `latencyLabel` names what the histogram holds ("RT" or "e2e"). */
export function intervalLine(interval: Interval, latencyLabel: string): string {
  const histogram = interval.histogram;
  const latency = histogram.count === 0 ? '' :
    `  ${latencyLabel} avg ${formatUs(histogram.meanUs)} p50 ${formatUs(histogram.percentileUs(50))} p99 ${formatUs(histogram.percentileUs(99))} max ${formatUs(histogram.maxUs)}`;
  const errors = interval.errors > 0 ? `  errors ${interval.errors}` : '';
  return `[${String(interval.second).padStart(3)} s] ${number(interval.messages).padStart(9)} msg/s ${(interval.bytes / MIB).toFixed(1).padStart(7)} MB/s${latency}${errors}`;
}

export function rate(result: Result): number {
  return result.elapsedNs === 0 ? 0 : result.messages / (result.elapsedNs / 1e9);
}

export function summaryLines(title: string, result: Result, latencyLabel: string): string[] {
  const seconds = result.elapsedNs / 1e9;
  const histogram = result.histogram;
  const lines = [
    `${title}: ${number(result.messages)} messages in ${seconds.toFixed(2)} s = ${number(rate(result))} msg/s, ${(result.bytes / MIB / seconds).toFixed(1)} MB/s, errors ${result.errors}`,
  ];
  if (histogram.count > 0) {
    lines.push(
      `  ${latencyLabel}: avg ${formatUs(histogram.meanUs)}  p50 ${formatUs(histogram.percentileUs(50))}  p99 ${formatUs(histogram.percentileUs(99))}  p99.9 ${formatUs(histogram.percentileUs(99.9))}  max ${formatUs(histogram.maxUs)}`,
    );
  }
  if (result.firstError !== undefined) lines.push(`  first error: ${result.firstError instanceof Error ? result.firstError.message : String(result.firstError)}`);
  return lines;
}
