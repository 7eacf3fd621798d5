/**
 * report.ts: bench:peers' results as markdown (between markers in docs/benchmarks.md, replaced on
 * every run) and as a bar chart (docs/bench-peers.svg, written by hand: no chart dependency).
 * Figures are medians over rounds with their min–max; lead factors are ratios taken within one
 * round (ours ÷ peer for rates, peer ÷ ours for latencies, so above 1 means we lead), then the
 * median of those. Every table carries the machine, versions, date and load average.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cpus, release } from 'node:os';
import { ROOT } from './peers/ours.js';
import { LATE_MS, type SchedulingProbe } from './scheduling.js';

export type Metrics = Record<string, number>;

export interface RunInfo {
  readonly started: Date;
  readonly loadBefore: string;
  loadAfter: string;
  readonly quick: boolean;
  readonly rounds: number;
  readonly work: { readonly size: number; readonly warmup: number; readonly messages: number; readonly inFlight: number; readonly latencyRate: number; readonly latencyMs: number; readonly latencyWarmUpMs: number; readonly singleMs: number };
  readonly versions: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly bootMs: number[];
  /** One probe per round, before its systems run. */
  readonly scheduling: SchedulingProbe[];
}

const BEGIN = '<!-- bench:peers:begin -->';
const END = '<!-- bench:peers:end -->';

interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly count: number;
}

function spread(values: readonly number[]): Spread {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, count: 0 };
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, count: sorted.length };
}

const integer = (value: number): string => Math.round(value).toLocaleString('en-US');
const ms = (valueUs: number): string => (valueUs < 10_000 ? (valueUs / 1000).toFixed(2) : valueUs < 100_000 ? (valueUs / 1000).toFixed(1) : integer(valueUs / 1000));

function cell(values: readonly number[], format: (value: number) => string): string {
  const figures = spread(values);
  if (figures.count === 0) return '—';
  return figures.count === 1 ? format(figures.median) : `${format(figures.median)} (${format(figures.min)}–${format(figures.max)})`;
}

function column(rounds: readonly Metrics[], key: string): number[] {
  return rounds.map((metrics) => metrics[key] ?? Number.NaN);
}

/** Per-round ratios of ours to a peer; `lowerIsBetter` inverts them so above 1 always means we lead. */
function leads(ours: readonly Metrics[] | undefined, peer: readonly Metrics[], key: string, lowerIsBetter = false): number[] {
  if (ours === undefined) return [];
  return peer.map((metrics, round) => {
    const mine = ours[round]?.[key] ?? Number.NaN;
    const theirs = metrics[key] ?? Number.NaN;
    return lowerIsBetter ? theirs / mine : mine / theirs;
  });
}

function resultsTable(results: ReadonlyMap<string, Metrics[]>): string[] {
  const lines = [
    '| system | publish, 1,000 in flight (msg/s) | drain with acks (msg/s) | end-to-end at 5,000/s, p50 / p99 / p99.9 / max (ms) | one in flight (msg/s) | one in flight, RT p50 (µs) |',
    '|---|---|---|---|---|---|',
  ];
  for (const [name, rounds] of results) {
    const e2e = ['e2eP50Us', 'e2eP99Us', 'e2eP999Us', 'e2eMaxUs'].map((key) => spread(column(rounds, key)));
    const lost = spread(column(rounds, 'e2eLost'));
    const failedCell = lost.max > 0 ? `failed: up to ${integer(lost.max)} messages not received (sends timed out)` : '—';
    const e2eCell = e2e[0]!.count === 0 ? failedCell : e2e.map((figures) => ms(figures.median)).join(' / ') + (e2e[1]!.count > 1 ? ` (p99 ${ms(e2e[1]!.min)}–${ms(e2e[1]!.max)})` : '');
    lines.push(`| ${name} | ${cell(column(rounds, 'publishRate'), integer)} | ${cell(column(rounds, 'drainRate'), integer)} | ${e2eCell} | ${cell(column(rounds, 'singleRate'), integer)} | ${cell(column(rounds, 'singleP50Us'), integer)} |`);
  }
  return lines;
}

function leadTable(results: ReadonlyMap<string, Metrics[]>): string[] {
  const asyncRounds = results.get('ours-async');
  const syncRounds = results.get('ours-sync');
  const asyncBatchRounds = results.get('ours-async-batch');
  const syncBatchRounds = results.get('ours-sync-batch');
  const factor = (value: number): string => `${value.toFixed(2)}x`;
  const lines = [
    '| peer | publish: ours ASYNC ÷ peer | publish: ours SYNC ÷ peer | publish, autoBatch: ours ASYNC ÷ peer | publish, autoBatch: ours SYNC ÷ peer | drain: ours ÷ peer | e2e p99: peer ÷ ours | e2e p99.9: peer ÷ ours | one in flight: ours ASYNC ÷ peer |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, rounds] of results) {
    if (name.startsWith('ours')) continue;
    lines.push(
      `| ${name} | ${cell(leads(asyncRounds, rounds, 'publishRate'), factor)} | ${cell(leads(syncRounds, rounds, 'publishRate'), factor)} | ` +
        `${cell(leads(asyncBatchRounds, rounds, 'publishRate'), factor)} | ${cell(leads(syncBatchRounds, rounds, 'publishRate'), factor)} | ${cell(leads(asyncRounds, rounds, 'drainRate'), factor)} | ` +
        `${cell(leads(asyncRounds, rounds, 'e2eP99Us', true), factor)} | ${cell(leads(asyncRounds, rounds, 'e2eP999Us', true), factor)} | ${cell(leads(asyncRounds, rounds, 'singleRate'), factor)} |`,
    );
  }
  return lines;
}

function markdown(info: RunInfo, results: ReadonlyMap<string, Metrics[]>): string {
  const work = info.work;
  const ours = results.get('ours-async');
  const date = info.started.toISOString().replace('T', ' ').slice(0, 16);
  const lines = [
    BEGIN,
    '## Peers',
    '',
    `Generated by \`npm run bench:peers${info.quick ? ' -- --quick' : ''}\` (bench/peers.ts) on ${date} UTC. ` +
      `${info.quick ? '**A quick development run (smaller counts, one round): not figures of record.** ' : ''}` +
      `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Linux ${release()}, Node ${process.version}; ` +
      `load average (1/5/15 min) ${info.loadBefore} before the run, ${info.loadAfter} after. ${info.rounds} round(s), systems interleaved, order rotated each round.`,
    '',
    `Workloads, ${work.size} B messages, client in one Node process next to the server: warm-up of ${integer(work.warmup)} published (and drained, where the system drains); publish ${integer(work.messages)} ` +
      `with ${integer(work.inFlight)} unacknowledged in flight; drain that backlog with acknowledgements; end-to-end latency at ${integer(work.latencyRate)} msg/s for ` +
      `${work.latencyMs / 1000} s after ${work.latencyWarmUpMs / 1000} s at that rate not counted (the body carries the time each message was due, so a stalled sender counts against the system); publish with one send in flight for ${work.singleMs / 1000} s. ` +
      'Cells: median (min–max over rounds); — where the workload does not apply (publish-only systems) or failed.',
    '',
    ...resultsTable(results),
    '',
    'Lead factors, ratios taken within each round, then the median (min–max); above 1 means we lead:',
    '',
    ...leadTable(results),
    '',
  ];
  if (info.scheduling.length > 0) {
    const seconds = (info.scheduling[0]!.durationMs / 1000).toFixed(0);
    lines.push(
      `The machine's own stalls (bench/lib/scheduling.ts), once per round before the systems: a Node.js process doing nothing but a 1 ms interval timer for ${seconds} s ` +
        `woke more than ${LATE_MS} ms late ${cell(info.scheduling.map((probe) => probe.stalls), integer)} times, ` +
        `${cell(info.scheduling.map((probe) => probe.stalledPercent), (value) => value.toFixed(1))}% of the time, worst ${cell(info.scheduling.map((probe) => probe.worstMs), (value) => value.toFixed(1))} ms. ` +
        'Every end-to-end figure above passes through such stalls (each message wakes the sender, the server and the receiver); append-log is the floor a Node.js server reaches through them.',
      '',
    );
  }
  if (ours !== undefined) {
    lines.push(
      `Our broker (ASYNC_FLUSH): resident memory ${cell(column(ours, 'rssIdleMiB'), (value) => value.toFixed(0))} MiB idle after boot, ` +
        `${cell(column(ours, 'rssLoadMiB'), (value) => value.toFixed(0))} MiB at most during publish and drain; ` +
        `standalone (name server + broker) start to boot line ${cell(info.bootMs, (value) => value.toFixed(0))} ms.`,
      '',
    );
  }
  lines.push('Systems and versions:', '');
  for (const name of results.keys()) lines.push(`- ${name}: ${info.labels[name] ?? ''}; ${info.versions[name] ?? ''}`);
  lines.push('', '![bench:peers chart](bench-peers.svg)', END);
  return lines.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Panel {
  readonly title: string;
  readonly key: string;
  readonly scale: number;
  readonly unit: string;
}

/** Horizontal bars, one panel per metric, median with a min–max whisker. */
function chart(info: RunInfo, results: ReadonlyMap<string, Metrics[]>): string {
  const panels: Panel[] = [
    { title: `publish, ${integer(info.work.inFlight)} in flight (msg/s, higher is better)`, key: 'publishRate', scale: 1, unit: '' },
    { title: 'drain a backlog with acks (msg/s, higher is better)', key: 'drainRate', scale: 1, unit: '' },
    { title: `end-to-end p99 at ${integer(info.work.latencyRate)} msg/s (ms, lower is better)`, key: 'e2eP99Us', scale: 1 / 1000, unit: ' ms' },
  ];
  const names = [...results.keys()];
  const width = 760;
  const labelWidth = 130;
  const barArea = width - labelWidth - 110;
  const rowHeight = 20;
  const parts: string[] = [];
  let y = 30;
  for (const panel of panels) {
    const rows = names.map((name) => ({ name, figures: spread(column(results.get(name)!, panel.key)) })).filter((row) => row.figures.count > 0);
    if (rows.length === 0) continue;
    const top = Math.max(...rows.map((row) => row.figures.max * panel.scale));
    parts.push(`<text x="10" y="${y}" font-weight="bold">${escapeXml(panel.title)}</text>`);
    y += 10;
    for (const row of rows) {
      const length = (value: number): number => (top === 0 ? 0 : (value * panel.scale * barArea) / top);
      const fill = row.name.startsWith('ours') ? '#d9534f' : row.name.startsWith('append-log') ? '#999999' : '#4a7ebb';
      const middle = y + rowHeight / 2;
      parts.push(
        `<text x="${labelWidth - 6}" y="${middle + 4}" text-anchor="end">${escapeXml(row.name)}</text>`,
        `<rect x="${labelWidth}" y="${y + 3}" width="${length(row.figures.median).toFixed(1)}" height="${rowHeight - 6}" fill="${fill}"/>`,
        `<line x1="${(labelWidth + length(row.figures.min)).toFixed(1)}" x2="${(labelWidth + length(row.figures.max)).toFixed(1)}" y1="${middle}" y2="${middle}" stroke="#222"/>`,
        `<text x="${(labelWidth + length(row.figures.max) + 6).toFixed(1)}" y="${middle + 4}">${escapeXml(panel.scale === 1 ? integer(row.figures.median) : (row.figures.median * panel.scale).toFixed(2))}${panel.unit}</text>`,
      );
      y += rowHeight;
    }
    y += 24;
  }
  const note = `${info.quick ? 'quick run, ' : ''}${info.rounds} round(s), median with min–max; ${cpus().length} cores, Node ${process.version}, load ${info.loadBefore}, ${info.started.toISOString().slice(0, 10)}`;
  parts.push(`<text x="10" y="${y}" fill="#555">${escapeXml(note)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 14}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** Builds the markdown; with `write`, replaces the marked section of docs/benchmarks.md (or appends it) and writes the chart. */
export async function writeReport(info: RunInfo, results: ReadonlyMap<string, Metrics[]>, write: boolean): Promise<string> {
  const section = markdown(info, results);
  if (!write) return section;
  const docPath = join(ROOT, 'docs/benchmarks.md');
  const doc = await readFile(docPath, 'utf8').catch(() => '# Benchmarks\n');
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  const updated = begin >= 0 && end > begin ? doc.slice(0, begin) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
  await writeFile(docPath, updated);
  await writeFile(join(ROOT, 'docs/bench-peers.svg'), chart(info, results));
  return section;
}

