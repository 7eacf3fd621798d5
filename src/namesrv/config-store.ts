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
import { formatConfig, writeFileAtomically, type ConfigEntry } from '../config/index.js';
import { loadNamesrvConfig, NamesrvConfigSchema, type NamesrvConfig } from './config.js';

export class NamesrvConfigStore {
  private current: NamesrvConfig;
  private writing: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

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
    return this.persist();
  }

  /** Waits for every write asked for so far. Never rejects. */
  async flush(): Promise<void> {
    await (this.queued ?? this.writing)?.catch(() => undefined);
  }

  private persist(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    if (this.writing === undefined) return this.startWrite();
    this.queued = this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.startWrite();
      });
    return this.queued;
  }

  private startWrite(): Promise<void> {
    const config = this.current;
    const write = writeFileAtomically(config.configStorePath, `${formatConfig(NamesrvConfigSchema, config)}\n`, true).finally(() => {
      if (this.writing === write) this.writing = undefined;
    });
    this.writing = write;
    return write;
  }
}
