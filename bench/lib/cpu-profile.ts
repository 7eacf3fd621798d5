/**
 * cpu-profile.ts: what bench:profile prints from a V8 CPU profile (.cpuprofile, as written by
 * `node --cpu-prof` or the inspector): self time per function and per file, as shares of all
 * samples, so a profile reads in a terminal and its figures can be quoted in docs/benchmarks.md.
 */
import { Session } from 'node:inspector/promises';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: CallFrame }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function shortUrl(url: string): string {
  if (url.length === 0) return '';
  const modules = url.indexOf('node_modules/');
  if (modules >= 0) return url.slice(modules);
  const parts = url.replace(/^file:\/\//, '').split('/');
  return parts.slice(-2).join('/');
}

function top(counts: Map<string, number>, total: number, count: number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}`);
}

/** Lines: total sampled time, the `count` largest functions and files by self time. */
export function summarize(profile: CpuProfile, count = 25): string[] {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const time = profile.timeDeltas[index] ?? 0;
    const frame = frames.get(id);
    if (frame === undefined) return;
    total += time;
    const file = shortUrl(frame.url);
    const name = `${frame.functionName || '(anonymous)'}${file ? ` ${file}:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + time);
    const fileKey = file || frame.functionName;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + time);
  });
  if (total === 0) return ['no samples'];
  return [`sampled ${(total / 1e6).toFixed(1)} s`, 'self time by function:', ...top(byFunction, total, count), 'self time by file:', ...top(byFile, total, 15)];
}

/** Profiles this process from start() until the returned stop(). */
export async function profileThisProcess(): Promise<() => Promise<CpuProfile>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    session.disconnect();
    return profile;
  };
}
