/**
 * properties-text.ts: the properties text of config requests (UPDATE_BROKER_CONFIG 25's body,
 * GET_BROKER_CONFIG 26's, UPDATE_NAMESRV_CONFIG 318's, GET_NAMESRV_CONFIG 319's): one "key=value"
 * a line, as MixAll.properties2String writes it (no escapes). Reading skips blank and comment
 * lines (# or !) and splits each line at its first "=" (or ":"), trimming the key.
 */
import { BodyError } from '../errors.js';

/** Most lines read from one body. */
export const PROPERTIES_LINES_MAX = 10_000;

export function encodePropertiesText(entries: Iterable<readonly [string, string]>): Buffer {
  let text = '';
  for (const [key, value] of entries) text += `${key}=${value}\n`;
  return Buffer.from(text, 'utf8');
}

/** Entries in the order they appear (a later repeat wins when made into a map). Throws BodyError. */
export function decodePropertiesText(body: Buffer | string | undefined): [string, string][] {
  const text = typeof body === 'string' ? body : (body?.toString('utf8') ?? '');
  const lines = text.split(/\r?\n/);
  if (lines.length > PROPERTIES_LINES_MAX) throw new BodyError(`properties: more than ${PROPERTIES_LINES_MAX} lines`);
  const entries: [string, string][] = [];
  for (const line of lines) {
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) continue;
    const at = trimmed.search(/[=:]/);
    if (at < 0) throw new BodyError(`properties: "${trimmed.slice(0, 80)}" has no "="`);
    const key = trimmed.slice(0, at).trim();
    if (key === '') throw new BodyError('properties: a line has an empty key');
    entries.push([key, trimmed.slice(at + 1).trim()]);
  }
  return entries;
}
