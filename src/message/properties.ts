/**
 * properties.ts: the message properties string, `name \u0001 value \u0002` repeated
 * (MessageDecoder.messageProperties2String / string2messageProperties).
 *
 * Decoding follows Java: a piece shorter than 3 characters, or one whose separator is missing,
 * first or last, is skipped rather than rejected, so a record written by any client stays readable.
 */

export const NAME_VALUE_SEPARATOR = '\u0001';
export const PROPERTY_SEPARATOR = '\u0002';

/** The largest properties string in bytes: its length is stored as a signed 16-bit value. */
export const PROPERTIES_BYTES_MAX = 32767;

export type MessageProperties = Map<string, string>;

/** Calls `put` for each property of a properties string, in order (so later duplicates win). */
function scanProperties(text: string, put: (name: string, value: string) => void): void {
  const length = text.length;
  let index = 0;
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    if (end - index >= 3) {
      const separator = text.indexOf(NAME_VALUE_SEPARATOR, index);
      if (separator > index && separator < end - 1) put(text.substring(index, separator), text.substring(separator + 1, end));
    }
    index = end + 1;
  }
}

/** Parses a properties string into a map; later duplicates win, as in Java's HashMap. */
export function decodeProperties(text: string): MessageProperties {
  const properties: MessageProperties = new Map();
  scanProperties(text, (name, value) => properties.set(name, value));
  return properties;
}

/** decodeProperties as a plain object (what a received message exposes), without the map. */
export function decodePropertiesRecord(text: string): Record<string, string> {
  const properties: Record<string, string> = {};
  scanProperties(text, (name, value) => {
    // An own "__proto__" property, as Object.fromEntries would make, not a prototype change.
    if (name === '__proto__') Object.defineProperty(properties, name, { value, enumerable: true, writable: true, configurable: true });
    else properties[name] = value;
  });
  return properties;
}

/** Writes a map as a properties string; entries keep the map's order. */
export function encodeProperties(properties: ReadonlyMap<string, string>): string {
  let text = '';
  for (const [name, value] of properties) {
    text += name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  return text;
}

/** Whether the property text[index, end) is `name` with a non-empty value (decodeProperties' rules). */
function isNamed(text: string, index: number, end: number, name: string): boolean {
  const separator = index + name.length;
  return separator < end - 1 && text.charCodeAt(separator) === 1 && text.startsWith(name, index);
}

/**
 * Reads several properties in one pass: `found[i]` becomes the value of `names[i]` (a later
 * duplicate wins, as in findProperty), undefined when absent. For a send path that needs a few
 * properties of every message; `found` can be reused.
 */
export function findProperties(text: string, names: readonly string[], found: (string | undefined)[]): void {
  for (let at = 0; at < names.length; at++) found[at] = undefined;
  let index = 0;
  const length = text.length;
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    for (let at = 0; at < names.length; at++) {
      const name = names[at] as string;
      if (isNamed(text, index, end, name)) {
        found[at] = text.substring(index + name.length + 1, end);
        break;
      }
    }
    index = end + 1;
  }
}

/**
 * Reads one property without building a map: the broker needs TAGS, KEYS and UNIQ_KEY of every
 * message it stores, and a full decode per message is wasted work on the send path.
 */
export function findProperty(text: string, name: string): string | undefined {
  let found: string | undefined;
  let index = 0;
  const length = text.length;
  while (index < length) {
    let end = text.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = length;
    // A later duplicate wins, as in decodeProperties, so keep scanning after a match.
    if (isNamed(text, index, end, name)) found = text.substring(index + name.length + 1, end);
    index = end + 1;
  }
  return found;
}
