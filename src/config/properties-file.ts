/**
 * properties-file.ts: reads Java .properties text (broker.conf, namesrv.conf) into config entries
 * that remember their line, using dot-properties for the format's escapes and continuations.
 */
import { readFile } from 'node:fs/promises';
import { parseLines, type Pair } from 'dot-properties';
import { ConfigError, type ConfigEntry } from './schema.js';

/** Parses properties text; `source` names it in messages ("conf/broker.conf"). */
export function parsePropertiesText(text: string, source: string): ConfigEntry[] {
  const lineStarts = [0];
  for (let index = 0; index < text.length; index++) if (text[index] === '\n') lineStarts.push(index + 1);
  const lineOf = (offset: number): number => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
  const entries: ConfigEntry[] = [];
  for (const node of parseLines(text, true)) {
    if (node.type !== 'PAIR') continue;
    const pair = node as Pair;
    entries.push({ key: pair.key, value: pair.value, source: `${source}:${lineOf(pair.range?.[0] ?? 0)}` });
  }
  return entries;
}

/** Reads a properties file; a missing or unreadable file is a ConfigError naming it. */
export async function readPropertiesFile(path: string): Promise<ConfigEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot read: ${(error as Error).message}`]);
  }
  return parsePropertiesText(text, path);
}
