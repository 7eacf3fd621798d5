/**
 * scheduling.ts: how late this machine wakes an idle Node.js process. A 1 ms interval timer runs
 * for a while in a process doing nothing else; every wake-up more than LATE_MS after the previous
 * one is a stall the process could not have avoided (the host did not run it). Any end-to-end
 * latency measured on the machine carries these stalls, whatever the system under test.
 */
import { nowNs } from './histogram.js';

/** A wake-up this much later than the previous one counts as a stall, ms. */
export const LATE_MS = 3;

export interface SchedulingProbe {
  /** Wake-ups more than LATE_MS after the previous one. */
  readonly stalls: number;
  /** Share of the probe's time spent inside those stalls, percent. */
  readonly stalledPercent: number;
  readonly worstMs: number;
  readonly durationMs: number;
}

/** Runs a 1 ms interval timer for `durationMs` in this (otherwise idle) process. */
export function probeScheduling(durationMs: number): Promise<SchedulingProbe> {
  return new Promise((resolve) => {
    const startNs = nowNs();
    let lastNs = startNs;
    let stalls = 0;
    let stalledMs = 0;
    let worstMs = 0;
    const timer = setInterval(() => {
      const now = nowNs();
      const gapMs = (now - lastNs) / 1e6;
      lastNs = now;
      if (gapMs > LATE_MS) {
        stalls++;
        stalledMs += gapMs;
        worstMs = Math.max(worstMs, gapMs);
      }
      const elapsedMs = (now - startNs) / 1e6;
      if (elapsedMs >= durationMs) {
        clearInterval(timer);
        resolve({ stalls, stalledPercent: (100 * stalledMs) / elapsedMs, worstMs, durationMs: elapsedMs });
      }
    }, 1);
  });
}
