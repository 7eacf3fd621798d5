/**
 * kv-config.ts: the name server's KV config (KVConfigManager.java): namespace → key → value,
 * kept in kvConfigPath in Java's JSON shape {"configTable":{"ns":{"k":"v"}}}.
 *
 * Invariants: the file is replaced atomically (write a temporary file, fsync it, rename it over
 * the old one, fsync the directory), so a crash leaves the old or the new table, never a torn one;
 * writes never overlap: while one is under way, later changes are gathered into one more write,
 * which snapshots the table when it starts. A change is visible to readers at once; the promise
 * it returns settles when a write that includes it has finished.
 *
 * A missing file is an empty table. A file that is not a KV table stops the load with
 * KVConfigError rather than being overwritten, so nobody loses data to a typo.
 * Must not: use synchronous fs calls (they would stall every request).
 */
import { readFile } from 'node:fs/promises';
import { CoalescedFileWriter } from '../config/index.js';

/** NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG: topic → "brokerName:queueNum;..." for ordered topics. */
export const NAMESPACE_ORDER_TOPIC_CONFIG = 'ORDER_TOPIC_CONFIG';

export class KVConfigError extends Error {
  override name = 'KVConfigError';
}

type Table = Map<string, Map<string, string>>;

function parseTable(text: string, path: string): Table {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (error) {
    throw new KVConfigError(`${path} is not JSON: ${(error as Error).message}`);
  }
  const table: Table = new Map();
  if (typeof root !== 'object' || root === null || Array.isArray(root)) throw new KVConfigError(`${path} is not a JSON object`);
  const configTable = (root as Record<string, unknown>)['configTable'];
  if (configTable === undefined || configTable === null) return table;
  if (typeof configTable !== 'object' || Array.isArray(configTable)) throw new KVConfigError(`${path}: configTable is not an object`);
  for (const [namespace, entries] of Object.entries(configTable)) {
    if (typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new KVConfigError(`${path}: configTable.${namespace} is not an object`);
    }
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(entries as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new KVConfigError(`${path}: configTable.${namespace}.${key} is not a string`);
      values.set(key, value);
    }
    table.set(namespace, values);
  }
  return table;
}

function serialize(table: Table): string {
  const configTable: Record<string, Record<string, string>> = {};
  for (const [namespace, values] of table) configTable[namespace] = Object.fromEntries(values);
  return JSON.stringify({ configTable });
}

export class KVConfig {
  private readonly writer = new CoalescedFileWriter(() => ({ path: this.path, text: serialize(this.table) }));

  private constructor(
    readonly path: string,
    private readonly table: Table,
  ) {}

  /** Loads the table from `path` (empty if there is no file). Throws KVConfigError. */
  static async load(path: string): Promise<KVConfig> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new KVConfig(path, new Map());
      throw new KVConfigError(`cannot read ${path}: ${(error as Error).message}`);
    }
    return new KVConfig(path, parseTable(text, path));
  }

  get(namespace: string, key: string): string | undefined {
    return this.table.get(namespace)?.get(key);
  }

  /** The namespace's entries, or undefined if it was never created (an emptied one stays, as in Java). */
  namespace(namespace: string): Record<string, string> | undefined {
    const values = this.table.get(namespace);
    return values === undefined ? undefined : Object.fromEntries(values);
  }

  /** Sets a value; resolves once it is on disk, rejects if that write fails. */
  put(namespace: string, key: string, value: string): Promise<void> {
    let values = this.table.get(namespace);
    if (values === undefined) this.table.set(namespace, (values = new Map()));
    values.set(key, value);
    return this.writer.write();
  }

  /** Removes a value (nothing if absent); resolves once the table is on disk. */
  delete(namespace: string, key: string): Promise<void> {
    this.table.get(namespace)?.delete(key);
    return this.writer.write();
  }

  /** Waits for every write asked for so far. Never rejects (failures went to their callers). */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
