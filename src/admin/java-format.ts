/**
 * java-format.ts: the printf subset RocketMQ's tools print their tables with, so our columns line
 * up the same way runbooks and scripts expect: %s, %d, %f with flags "-" (left) and "0", a width
 * and a precision (%-20s, %8.2f, %05d), %% and %n (a newline).
 */

const SPEC = /%(-)?(0)?(\d+)?(?:\.(\d+))?([sdfn%])/g;

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (left) return text.padEnd(width);
  if (zero && /^-?\d/.test(text)) return text.startsWith('-') ? `-${text.slice(1).padStart(width - 1, '0')}` : text.padStart(width, '0');
  return text.padStart(width);
}

function render(conversion: string, value: unknown, precision: number | undefined): string {
  if (conversion === 's') {
    const text = value === null || value === undefined ? 'null' : String(value);
    return precision === undefined ? text : text.slice(0, precision);
  }
  if (conversion === 'd') return typeof value === 'bigint' ? value.toString() : String(Math.trunc(Number(value)));
  return Number(value).toFixed(precision ?? 6);
}

/** Java's String.format for the conversions above. Missing arguments print as "null". */
export function javaFormat(format: string, ...args: readonly unknown[]): string {
  let next = 0;
  return format.replace(SPEC, (_match, left: string | undefined, zero: string | undefined, width: string | undefined, precision: string | undefined, conversion: string) => {
    if (conversion === 'n') return '\n';
    if (conversion === '%') return '%';
    const value = args[next++];
    return pad(render(conversion, value, precision === undefined ? undefined : Number(precision)), width === undefined ? undefined : Number(width), left !== undefined, zero !== undefined);
  });
}

/** UtilAll.frontStringAtLeast: the first `size` characters of `text` (all of it when shorter). */
export function frontStringAtLeast(text: string, size: number): string {
  return text.length > size ? text.slice(0, size) : text;
}
