/**
 * config-store.ts: the name server's configuration at run time (RocketMQ's Configuration over
 * NamesrvConfig): UPDATE_NAMESRV_CONFIG replaces values while the server runs, and the whole
 * configuration is then written to configStorePath as properties text, where Java persists it
 * (NamesrvStartup does not read that file back; an operator passes it with -c).
 *
 * Invariants: `config` is always a checked, frozen config; an update is all or nothing (every
 * value is parsed before any is applied). Writes never overlap: while one is under way, later
 * updates are gathered into one more write, which snapshots the config when it starts.
 * Keys the schema does not have are ignored, as Java's mergeIfExist ignores them.
 * Must not: decide which keys a client may change (the handler applies configBlackList), or use
 * synchronous fs calls.
 */
import { CoalescedFileWriter, formatConfig, type ConfigEntry } from '../config/index.js';
import { loadNamesrvConfig, NamesrvConfigSchema, type NamesrvConfig } from './config.js';

export class NamesrvConfigStore {
  private current: NamesrvConfig;
  private readonly writer = new CoalescedFileWriter(() => ({ path: this.current.configStorePath, text: `${formatConfig(NamesrvConfigSchema, this.current)}\n` }), true);

  constructor(initial: NamesrvConfig) {
    this.current = initial;
  }

  get config(): NamesrvConfig {
    return this.current;
  }

  /**
   * Applies `entries` (known keys only) over the current values and persists the result.
   * Throws ConfigError naming every bad value, before anything changes; rejects if the write fails
   * (the new values stay in force, as in Java, which logs a failed persist).
   */
  update(entries: readonly (readonly [string, string])[]): Promise<void> {
    const known = entries.filter(([key]) => Object.hasOwn(NamesrvConfigSchema, key));
    const base: ConfigEntry[] = Object.entries(NamesrvConfigSchema).map(([key, spec]) => ({
      key,
      value: (spec.format as (value: unknown) => string)((this.current as Record<string, unknown>)[key]),
      source: 'running',
    }));
    const updates = known.map(([key, value]) => ({ key, value, source: 'UPDATE_NAMESRV_CONFIG' }));
    this.current = loadNamesrvConfig([...base, ...updates]).config;
    return this.writer.write();
  }

  /** Waits for every write asked for so far. Never rejects. */
  flush(): Promise<void> {
    return this.writer.flush();
  }
}
