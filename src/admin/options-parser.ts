/**
 * options-parser.ts: command-line options as commons-cli's DefaultParser reads them, since
 * RocketMQ's runbooks are written for it: `-t value`, `-tvalue`, `--topic value`, `--topic=value`,
 * multi-letter short names (`-cc value`), flags without a value. Unknown options and missing
 * values are errors; arguments that are not options are refused.
 */
import type { OptionSpec, OptionValues } from './command.js';

export class OptionError extends Error {
  override name = 'OptionError';
}

function findOption(specs: readonly OptionSpec[], token: string): { spec: OptionSpec; inline: string | undefined } | undefined {
  if (token.startsWith('--')) {
    const body = token.slice(2);
    const equals = body.indexOf('=');
    const name = equals < 0 ? body : body.slice(0, equals);
    const spec = specs.find((candidate) => candidate.long === name);
    return spec && { spec, inline: equals < 0 ? undefined : body.slice(equals + 1) };
  }
  const body = token.slice(1);
  // An exact short name first ("cc"), then a one-letter name with its value glued on ("-tTopicA").
  // Options with only a long name (short "") are matched by --name alone.
  const exact = specs.find((candidate) => candidate.short !== '' && candidate.short === body);
  if (exact) return { spec: exact, inline: undefined };
  const glued = specs.find((candidate) => candidate.hasArg && candidate.short !== '' && body.startsWith(candidate.short) && candidate.short.length < body.length);
  return glued && { spec: glued, inline: body.slice(glued.short.length) };
}

/** Parses `args` against `specs`; throws OptionError naming the problem. */
export function parseOptions(specs: readonly OptionSpec[], args: readonly string[]): OptionValues {
  const values: Record<string, string | true> = {};
  for (let index = 0; index < args.length; index++) {
    const token = args[index] ?? '';
    if (!token.startsWith('-') || token === '-' || token === '--') throw new OptionError(`Unrecognized argument: ${token}`);
    const found = findOption(specs, token);
    if (found === undefined) throw new OptionError(`Unrecognized option: ${token}`);
    const { spec, inline } = found;
    if (!spec.hasArg) {
      if (inline !== undefined) throw new OptionError(`Option ${spec.long} takes no value`);
      values[spec.long] = true;
      continue;
    }
    const value = inline ?? args[++index];
    if (value === undefined) throw new OptionError(`Missing argument for option: ${spec.short}`);
    values[spec.long] = value;
  }
  const missing = specs.filter((spec) => spec.required && values[spec.long] === undefined).map((spec) => spec.short || spec.long);
  if (missing.length > 0) throw new OptionError(`Missing required option${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return values;
}

/** commons-cli's help: a usage line, then one line per option sorted by short name. */
export function formatHelp(app: string, specs: readonly OptionSpec[]): string {
  const sorted = [...specs].sort((a, b) => (a.short < b.short ? -1 : a.short > b.short ? 1 : 0));
  const usage = sorted
    .map((spec) => {
      const text = `${spec.short === '' ? `--${spec.long}` : `-${spec.short}`}${spec.hasArg ? ' <arg>' : ''}`;
      return spec.required ? text : `[${text}]`;
    })
    .join(' ');
  const heads = sorted.map((spec) => `${spec.short === '' ? '    ' : ` -${spec.short},`}--${spec.long}${spec.hasArg ? ' <arg>' : ''}`);
  const width = Math.max(...heads.map((head) => head.length)) + 3;
  const lines = sorted.map((spec, index) => `${(heads[index] ?? '').padEnd(width)}${spec.description}`);
  return [`usage: ${app} ${usage}`, ...lines].join('\n');
}
