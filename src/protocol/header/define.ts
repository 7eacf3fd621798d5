/**
 * define.ts: request and response headers declared as data. A header is a set of typed fields
 * carried as strings in extFields; the TS type is inferred from the declaration, and decoding
 * checks every field, throwing a HeaderError that names the first one that is wrong (never
 * skipping it, as Java's reflective decoder does).
 *
 * int is a Java int (32-bit); long is a Java long read into a number, which must stay below 2^53;
 * saturatedLong takes any Java long and clamps it to the safe range (for bounds such as
 * Long.MAX_VALUE). bool accepts "true" and "false" in any case.
 */
import { HeaderError } from '../errors.js';
import type { ExtFields, HeaderFieldSink, TypedHeader } from '../command.js';

export interface FieldSpec<T, O extends boolean = boolean> {
  readonly type: string;
  readonly isOptional: O;
  parse(text: string): T | undefined;
  format(value: T): string;
  /** Hands the value to a wire writer, numbers as numbers (format's text, without the string). */
  write(sink: HeaderFieldSink, wireName: string, value: T): void;
}

interface FieldFactory<T> {
  (): FieldSpec<T, false>;
  optional(): FieldSpec<T, true>;
}

function factory<T>(
  type: string,
  parse: (text: string) => T | undefined,
  format: (value: T) => string,
  write: (sink: HeaderFieldSink, wireName: string, value: T) => void = (sink, wireName, value) => sink.text(wireName, format(value)),
): FieldFactory<T> {
  const make = <O extends boolean>(isOptional: O): FieldSpec<T, O> => ({ type, isOptional, parse, format, write });
  return Object.assign(() => make(false), { optional: () => make(true) });
}

const INTEGER = /^-?\d+$/;

/**
 * Plain decimal digits with an optional '-', at most 15 digits (below 2^53), as nearly every
 * header number is: read in one pass, without trim(), a RegExp or Number(); undefined otherwise.
 */
function plainInteger(text: string): number | undefined {
  const length = text.length;
  const negative = length > 0 && text.charCodeAt(0) === 45;
  const first = negative ? 1 : 0;
  if (length === first || length - first > 15) return undefined;
  let value = 0;
  for (let index = first; index < length; index++) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function parseInteger(text: string, min: number, max: number): number | undefined {
  const plain = plainInteger(text);
  if (plain !== undefined) return plain >= min && plain <= max ? plain : undefined;
  const trimmed = text.trim();
  if (!INTEGER.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
}

export const str = factory<string>('string', (text) => text, (value) => value);
const writeInteger = (sink: HeaderFieldSink, wireName: string, value: number): void => sink.integer(wireName, value);

export const int = factory<number>('int', (text) => parseInteger(text, -(2 ** 31), 2 ** 31 - 1), String, writeInteger);
export const long = factory<number>('long', (text) => parseInteger(text, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER), String, writeInteger);

const JAVA_LONG_MAX = 2n ** 63n - 1n;
const JAVA_LONG_MIN = -(2n ** 63n);

/**
 * A Java long used as a bound (a time range end): any Java long is accepted, and values beyond
 * 2^53 saturate to Number.MAX_SAFE_INTEGER / MIN_SAFE_INTEGER, so Long.MAX_VALUE means "no end".
 */
export const saturatedLong = factory<number>(
  'long',
  (text) => {
    const trimmed = text.trim();
    if (!INTEGER.test(trimmed)) return undefined;
    const value = BigInt(trimmed);
    if (value > JAVA_LONG_MAX || value < JAVA_LONG_MIN) return undefined;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) return Number.MAX_SAFE_INTEGER;
    if (value < BigInt(Number.MIN_SAFE_INTEGER)) return Number.MIN_SAFE_INTEGER;
    return Number(value);
  },
  String,
  writeInteger,
);
export const bool = factory<boolean>(
  'boolean',
  (text) => {
    if (text === 'true') return true; // the common spellings without a trimmed, lower-cased copy
    if (text === 'false') return false;
    const lower = text.trim().toLowerCase();
    return lower === 'true' ? true : lower === 'false' ? false : undefined;
  },
  String,
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Fields = Readonly<Record<string, FieldSpec<any>>>;

type ValueOf<S> = S extends FieldSpec<infer T> ? T : never;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K]['isOptional'] extends false ? K : never }[keyof F];
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K]['isOptional'] extends true ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

export type HeaderValue<F extends Fields> = Simplify<
  { [K in RequiredKeys<F>]: ValueOf<F[K]> } & { [K in OptionalKeys<F>]?: ValueOf<F[K]> | undefined }
>;

export interface HeaderCodec<F extends Fields> {
  readonly fields: F;
  /** Wire name of each field (SEND_MESSAGE_V2 uses one-letter names). */
  readonly wireNames: Readonly<Record<keyof F & string, string>>;
  decode(extFields: Readonly<ExtFields>): HeaderValue<F>;
  encode(value: HeaderValue<F>): ExtFields;
  /** The value as a TypedHeader: its fields go to the wire as encode() would write them, with no extFields object. */
  typed(value: HeaderValue<F>): TypedHeader;
  /**
   * Optional: the value read straight from a request frame whose header is ROCKETMQ binary (the
   * bytes after the length field), as decode() of its extFields would return it; undefined
   * whenever decode() must decide (a missing field, a value that is not plainly of its type).
   */
  readonly readBinary?: (frame: Buffer) => HeaderValue<F> | undefined;
}

export type Infer<C> = C extends HeaderCodec<infer F> ? HeaderValue<F> : never;

/**
 * One field of a header from extFields: its parsed value, or undefined when an optional field is
 * absent. Throws a HeaderError naming the field when a required one is absent or a value is not
 * of its type. Only string values count: a name inherited from Object.prototype ("constructor",
 * "toString") finds a function, not a field.
 */
export function readField<T>(extFields: Readonly<ExtFields>, name: string, wireName: string, spec: FieldSpec<T>): T | undefined {
  const found: unknown = extFields[wireName];
  const text = typeof found === 'string' ? found : undefined;
  if (text === undefined) {
    if (!spec.isOptional) throw new HeaderError(name, `the custom field <${name}> is null`);
    return undefined;
  }
  const parsed = spec.parse(text);
  if (parsed === undefined) throw new HeaderError(name, `the custom field <${name}> is not a valid ${spec.type}: ${JSON.stringify(text)}`);
  return parsed;
}

/** Declares a header. `wireNames` renames fields on the wire (the same TS type either way). */
export function header<F extends Fields>(fields: F, wireNames: Partial<Record<keyof F & string, string>> = {}): HeaderCodec<F> {
  const names = Object.keys(fields) as (keyof F & string)[];
  const wire = Object.fromEntries(names.map((name) => [name, wireNames[name] ?? name])) as Record<keyof F & string, string>;
  // Every request is decoded and every response encoded through these loops: one flat array of
  // (name, wire name, spec), looked up once here rather than per field per message.
  const plan: PlanEntry[] = names.map((name) => ({ name, wire: wire[name], spec: fields[name] as FieldSpec<unknown> }));
  return {
    fields,
    wireNames: wire,
    decode(extFields) {
      const value: Record<string, unknown> = {};
      for (const { name, wire: wireName, spec } of plan) {
        const parsed = readField(extFields, name, wireName, spec);
        if (parsed !== undefined) value[name] = parsed;
      }
      return value as HeaderValue<F>;
    },
    encode(value) {
      const extFields: ExtFields = {};
      for (const { name, wire: wireName, spec } of plan) {
        const field = (value as Record<string, unknown>)[name];
        if (field === undefined) continue;
        extFields[wireName] = spec.format(field);
      }
      return extFields;
    },
    typed(value) {
      return new TypedValue(plan, value);
    },
  };
}

interface PlanEntry {
  readonly name: string;
  readonly wire: string;
  readonly spec: FieldSpec<unknown>;
}

/** A header value with its codec's plan: writes the fields encode() would put in extFields, in the same order. */
class TypedValue implements TypedHeader {
  constructor(
    private readonly plan: readonly PlanEntry[],
    private readonly value: object,
  ) {}

  write(sink: HeaderFieldSink): void {
    const plan = this.plan;
    const value = this.value as Record<string, unknown>;
    for (let index = 0; index < plan.length; index++) {
      const entry = plan[index] as PlanEntry;
      const field = value[entry.name];
      if (field !== undefined) entry.spec.write(sink, entry.wire, field);
    }
  }
}
