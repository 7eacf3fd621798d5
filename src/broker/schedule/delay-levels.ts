/**
 * delay-levels.ts: the delay levels of messageDelayLevel (ScheduleMessageService.parseDelayLevel):
 * space-separated durations, level 1 first, each an integer followed by s, m, h or d
 * ("1s 5s 10s 30s 1m ... 2h"). Level n is stored in SCHEDULE_TOPIC_XXXX queue n - 1.
 *
 * Invariants: at least one level, at most DELAY_LEVELS_MAX; every delay is a whole number of
 * milliseconds >= 0. Must not: read config files or keep state beyond the parsed table.
 */
import type { KeySpec } from '../../config/index.js';

export const DEFAULT_MESSAGE_DELAY_LEVEL = '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h';
/** Each level has its own queue and timer; a bound keeps a typo from making thousands. */
export const DELAY_LEVELS_MAX = 256;

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const LEVEL_PATTERN = /^(\d+)([smhd])$/;

/** Delay of each level in ms (index 0 is level 1), or why the text is not a level list. */
export function parseDelayLevels(text: string): { ok: true; delaysMs: number[] } | { ok: false; problem: string } {
  const words = text.trim().split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return { ok: false, problem: 'no delay level (expected e.g. "1s 5s 10s 30s 1m")' };
  if (words.length > DELAY_LEVELS_MAX) return { ok: false, problem: `${words.length} delay levels, more than ${DELAY_LEVELS_MAX}` };
  const delaysMs: number[] = [];
  for (const [index, word] of words.entries()) {
    const match = LEVEL_PATTERN.exec(word);
    const unit = match?.[2] === undefined ? undefined : UNIT_MS[match[2]];
    if (match?.[1] === undefined || unit === undefined) {
      return { ok: false, problem: `level ${index + 1} "${word}" is not an integer followed by s, m, h or d` };
    }
    const delayMs = Number(match[1]) * unit;
    if (!Number.isSafeInteger(delayMs)) return { ok: false, problem: `level ${index + 1} "${word}" is too long` };
    delaysMs.push(delayMs);
  }
  return { ok: true, delaysMs };
}

/** The config key messageDelayLevel: kept as text (as RocketMQ prints it), checked when loaded. */
export function messageDelayLevelKey(doc: string): KeySpec<string> {
  return {
    doc,
    default: DEFAULT_MESSAGE_DELAY_LEVEL,
    parse(text) {
      const parsed = parseDelayLevels(text);
      return parsed.ok ? { ok: true, value: text.trim() } : { ok: false, problem: parsed.problem };
    },
    format: (value) => value,
  };
}

/** The parsed levels, with Java's rules for levels out of range. */
export class DelayLevelTable {
  private readonly delaysMs: readonly number[];

  /** `text` must be valid (the config loader checked it); a bad one is a programming error. */
  constructor(text: string) {
    const parsed = parseDelayLevels(text);
    if (!parsed.ok) throw new Error(`messageDelayLevel: ${parsed.problem}`);
    this.delaysMs = parsed.delaysMs;
  }

  get maxLevel(): number {
    return this.delaysMs.length;
  }

  /** Levels 1..maxLevel. */
  levels(): number[] {
    return this.delaysMs.map((_, index) => index + 1);
  }

  /** A level above the highest is the highest (transformDelayLevelMessage). */
  clamp(level: number): number {
    return Math.min(level, this.maxLevel);
  }

  /** Delay of a level in 1..maxLevel, or undefined. */
  delayMs(level: number): number | undefined {
    return this.delaysMs[level - 1];
  }

  /** computeDeliverTimestamp: a level without a delay is due a second after it was stored. */
  deliverTimestamp(level: number, storeTimestamp: number): number {
    return storeTimestamp + (this.delayMs(level) ?? 1000);
  }
}

/** Level n lives in schedule queue n - 1 (delayLevel2QueueId). */
export function queueIdOfLevel(level: number): number {
  return level - 1;
}

export function levelOfQueueId(queueId: number): number {
  return queueId + 1;
}
