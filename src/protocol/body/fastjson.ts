/**
 * fastjson.ts: JSON the way RocketMQ's Java side (fastjson) writes and reads it.
 *
 * fastjson writes map keys that are Java numbers without quotes: {"brokerAddrs":{0:"host:port"}}.
 * That is not JSON, but RocketMQ clients older than V4_9_4 get route and cluster data in this form
 * and mqadmin reads it, so `stringifyFastJson` can produce it, and `parseFastJson` accepts it
 * (and plain JSON) from peers.
 */
import { BodyError } from '../errors.js';

/**
 * JSON.stringify, with every object key that is an integer left unquoted when `numericKeysUnquoted`.
 * In compact JSON a key always follows "{" or ","; inside a string those quotes would be escaped,
 * so the pattern below cannot match string contents.
 */
export function stringifyFastJson(value: unknown, numericKeysUnquoted: boolean): string {
  const text = JSON.stringify(value);
  return numericKeysUnquoted ? text.replace(/([{,])"(-?\d+)":/g, '$1$2:') : text;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** Quotes bare integer keys outside strings so JSON.parse accepts fastjson's output. */
function quoteNumericKeys(text: string): string {
  let out = '';
  let copiedTo = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') {
      inString = true;
      continue;
    }
    if (char !== '{' && char !== ',') continue;
    let start = index + 1;
    while (start < text.length && WHITESPACE.has(text[start] ?? '')) start++;
    let end = start;
    if (text[end] === '-') end++;
    while (end < text.length && (text[end] ?? '') >= '0' && (text[end] ?? '') <= '9') end++;
    if (end === start || (end === start + 1 && text[start] === '-')) continue;
    let colon = end;
    while (colon < text.length && WHITESPACE.has(text[colon] ?? '')) colon++;
    if (text[colon] !== ':') continue;
    out += text.slice(copiedTo, start) + '"' + text.slice(start, end) + '"';
    copiedTo = end;
    index = end - 1;
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

/** Parses JSON or fastjson's unquoted-integer-key dialect. Throws BodyError. */
export function parseFastJson(text: string): unknown {
  try {
    return JSON.parse(quoteNumericKeys(text));
  } catch (error) {
    throw new BodyError(`body is not JSON: ${(error as Error).message}`);
  }
}

/** Parses a body buffer (UTF-8). Throws BodyError, also when the body is missing. */
export function parseBody(body: Buffer | undefined, what: string): unknown {
  if (body === undefined || body.length === 0) throw new BodyError(`${what}: the request has no body`);
  return parseFastJson(body.toString('utf8'));
}
