/**
 * command.ts: what an mqadmin sub command is (RocketMQ's SubCommand): a name (matched without
 * regard to case), a one-line description, its options in commons-cli terms, and what it does.
 * One file per command under commands/, registered in commands/index.ts.
 */
import type { AdminClient } from './admin-client.js';
import { AdminError } from './errors.js';

export { AdminError };

/** One option, as commons-cli declares it: `-t,--topic <arg>`. */
export interface OptionSpec {
  /** Single letter (or RocketMQ's few multi-letter short names, e.g. "cc"). */
  readonly short: string;
  readonly long: string;
  /** True when the option takes a value. */
  readonly hasArg: boolean;
  readonly required: boolean;
  readonly description: string;
}

/** Parsed option values by long name: a string for options with a value, true for flags. */
export type OptionValues = Readonly<Record<string, string | true | undefined>>;

/** What a command may use: the admin client, output, and the clock. */
export interface AdminContext {
  readonly admin: AdminClient;
  /** Writes one line to stdout (a newline is added). */
  out(line: string): void;
  /** Writes one line to stderr. */
  err(line: string): void;
  now(): number;
}

export interface AdminCommand {
  readonly name: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Runs the command; throws AdminError (one line for the user) when it cannot do its job. */
  run(ctx: AdminContext, values: OptionValues): Promise<void>;
}

/** Shorthands for declaring options. */
export const option = {
  required(short: string, long: string, description: string): OptionSpec {
    return { short, long, hasArg: true, required: true, description };
  },
  optional(short: string, long: string, description: string): OptionSpec {
    return { short, long, hasArg: true, required: false, description };
  },
  flag(short: string, long: string, description: string): OptionSpec {
    return { short, long, hasArg: false, required: false, description };
  },
};

/** The value of a required option (the CLI checked it is there). */
export function requiredValue(values: OptionValues, long: string): string {
  const value = values[long];
  if (typeof value !== 'string') throw new AdminError(`Missing required option: ${long}`);
  return value;
}

/** An option parsed as an integer in [min, max], or `fallback` when absent. */
export function intValue(values: OptionValues, long: string, fallback: number, min = -(2 ** 31), max = 2 ** 31 - 1): number {
  const value = values[long];
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new AdminError(`option --${long}: "${String(value)}" is not an integer in ${min}..${max}`);
  }
  return number;
}

/** An option parsed as true/false ("true"/"false" as RocketMQ's tools take them), or `fallback`. */
export function booleanValue(values: OptionValues, long: string, fallback: boolean): boolean {
  const value = values[long];
  if (value === undefined) return fallback;
  if (value === true) return true;
  const lower = value.trim().toLowerCase();
  if (lower === 'true' || lower === 'false') return lower === 'true';
  throw new AdminError(`option --${long}: "${value}" is not true or false`);
}
