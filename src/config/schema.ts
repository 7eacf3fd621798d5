/**
 * schema.ts: one way to declare a component's configuration. Each key has a type, a default,
 * bounds and a one-line doc; the config's TS type is inferred from the declaration. Key names are
 * RocketMQ's (storePathRootDir, flushDiskType, ...) so existing broker.conf files keep working.
 *
 * loadConfig() checks every entry, reports every problem at once with its key and source
 * ("broker.conf:12"), warns about keys it does not know, and returns a frozen object.
 */

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface KeySpec<T> {
  readonly doc: string;
  readonly default: T;
  parse(text: string): ParseResult<T>;
  format(value: T): string;
}

export type Schema = Readonly<Record<string, KeySpec<unknown>>>;
export type ConfigOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends KeySpec<infer T> ? T : never };

/** One `key=value` from a file, a flag or the environment. */
export interface ConfigEntry {
  readonly key: string;
  readonly value: string;
  /** Where it came from, for messages: "conf/broker.conf:12", "--listenPort", "NAMESRV_ADDR". */
  readonly source: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = <T>(problem: string): ParseResult<T> => ({ ok: false, problem });

function integer(defaultValue: number, doc: string, min: number, max: number): KeySpec<number> {
  return {
    doc,
    default: defaultValue,
    parse(text) {
      const trimmed = text.trim();
      if (!/^-?\d+$/.test(trimmed)) return fail(`"${text}" is not an integer`);
      const value = Number(trimmed);
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        return fail(`${trimmed} is outside ${min}..${max}`);
      }
      return ok(value);
    },
    format: String,
  };
}

/** Constructors for key specs. */
export const key = {
  string(defaultValue: string, doc: string): KeySpec<string> {
    return { doc, default: defaultValue, parse: (text) => ok(text.trim()), format: (value) => value };
  },
  int(defaultValue: number, doc: string, bounds: { min?: number; max?: number } = {}): KeySpec<number> {
    return integer(defaultValue, doc, bounds.min ?? -(2 ** 31), bounds.max ?? 2 ** 31 - 1);
  },
  long(defaultValue: number, doc: string, bounds: { min?: number; max?: number } = {}): KeySpec<number> {
    return integer(defaultValue, doc, bounds.min ?? Number.MIN_SAFE_INTEGER, bounds.max ?? Number.MAX_SAFE_INTEGER);
  },
  boolean(defaultValue: boolean, doc: string): KeySpec<boolean> {
    return {
      doc,
      default: defaultValue,
      parse(text) {
        const lower = text.trim().toLowerCase();
        if (lower === 'true') return ok(true);
        if (lower === 'false') return ok(false);
        return fail(`"${text}" is not true or false`);
      },
      format: String,
    };
  },
  oneOf<const V extends string>(values: readonly V[], defaultValue: V, doc: string): KeySpec<V> {
    return {
      doc,
      default: defaultValue,
      parse(text) {
        const trimmed = text.trim();
        const found = values.find((value) => value === trimmed);
        return found === undefined ? fail(`"${text}" is not one of ${values.join(', ')}`) : ok(found);
      },
      format: (value) => value,
    };
  },
};

export interface LoadOptions {
  /** Keys RocketMQ has but we do not act on: accepted with a warning that says so. */
  readonly unsupported?: ReadonlySet<string>;
  /** Old spellings RocketMQ still accepts, mapped to the key we keep. */
  readonly aliases?: Readonly<Record<string, string>>;
}

export interface Loaded<S extends Schema> {
  readonly config: ConfigOf<S>;
  readonly warnings: readonly string[];
}

/** Applies `entries` in order over the defaults; later entries win. Throws ConfigError. */
export function loadConfig<S extends Schema>(schema: S, entries: readonly ConfigEntry[], options: LoadOptions = {}): Loaded<S> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema)) values[name] = spec.default;
  const problems: string[] = [];
  const warnings: string[] = [];
  for (const entry of entries) {
    const name = options.aliases?.[entry.key] ?? entry.key;
    const spec = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (spec === undefined) {
      warnings.push(
        options.unsupported?.has(name)
          ? `${entry.source}: ${name} is a RocketMQ key this server does not support yet; ignored`
          : `${entry.source}: unknown key ${name}; ignored`,
      );
      continue;
    }
    const parsed = spec.parse(entry.value);
    if (parsed.ok) values[name] = parsed.value;
    else problems.push(`${entry.source}: ${name}: ${parsed.problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { config: Object.freeze(values) as ConfigOf<S>, warnings };
}

/** The config as `key=value` lines in schema order (GET_BROKER_CONFIG, docs). */
export function formatConfig<S extends Schema>(schema: S, config: ConfigOf<S>): string {
  return Object.entries(schema)
    .map(([name, spec]) => `${name}=${spec.format((config as Record<string, unknown>)[name])}`)
    .join('\n');
}
