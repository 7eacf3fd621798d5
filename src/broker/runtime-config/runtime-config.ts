/**
 * runtime-config.ts: the broker's configuration as GET_BROKER_CONFIG (26) shows it and
 * UPDATE_BROKER_CONFIG (25) changes it (RocketMQ's Configuration): every broker and store key as
 * `key=value` text with a DataVersion, and runtime changes of the keys whose new value takes
 * effect at once, persisted to the broker's config file so a restart keeps them.
 *
 * Which keys can change: those our broker and store read on every use (RUNTIME_UPDATABLE_KEYS).
 * Java changes any field by reflection, even those only read at startup, and silently ignores
 * unknown keys; we refuse an unknown key, a key that only takes effect at a restart, and a bad
 * value with INVALID_PARAMETER naming it, and the black list (brokerConfigPath, rocketmqHome,
 * configBlackList) with Java's NO_PERMISSION "Can not update config in black list.". An update is
 * all or nothing: every entry is checked before any is applied.
 *
 * The file: brokerConfigPath (the -c file of mqbroker, as Java's BrokerStartup sets it), else
 * <storePathRootDir>/config/broker.properties (Java's default path). An update rewrites it
 * atomically (config/atomic-file: temp file, fsync, rename, previous kept as .bak) with the
 * updated keys replaced in place (or appended) and every other line kept as it was.
 *
 * Invariants: the config objects given are the broker's own unfrozen copies, and this is their
 * only writer; updates run one at a time (Java's synchronized updateBrokerConfig).
 * Must not: apply an update it could not persist (the file is written first).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatConfig, writeFileAtomically, type KeySpec } from '../../config/index.js';
import { ResponseCode, type DataVersion } from '../../protocol/index.js';
import { StoreConfigSchema, type StoreConfig } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import { BrokerError } from '../errors.js';
import { BrokerConfigSchema, type BrokerConfig } from '../config.js';

/** Keys Java never lets UPDATE_BROKER_CONFIG change (AdminBrokerProcessor.initConfigBlackList). */
export const CONFIG_BLACK_LIST: ReadonlySet<string> = new Set(['brokerConfigPath', 'rocketmqHome', 'configBlackList']);

/**
 * Broker keys read on each use (handlers through ctx.config, the registrar, the timer route, the
 * client housekeeping) and store keys read by each retention round.
 */
export const RUNTIME_UPDATABLE_KEYS: ReadonlySet<string> = new Set([
  'brokerPermission',
  'longPollingEnable',
  'shortPollingTimeMills',
  'regionId',
  'traceOn',
  'enablePropertyFilter',
  'rejectTransactionMessage',
  'recallMessageEnable',
  'allowRecallWhenBrokerNotWriteable',
  'channelExpiredTimeout',
  'timerWheelEnable',
  'timerMaxDelaySec',
  // Store: CommitLog retention (the timer log and the transaction checks read fileReservedTime at boot).
  'fileReservedTime',
  'diskMaxUsedSpaceRatio',
  'cleanFileForciblyEnable',
  'diskSpaceCleanForciblyRatio',
  'deleteFileBatchMax',
]);

/** Most entries one update may carry. */
export const UPDATE_ENTRIES_MAX = 100;

export interface RuntimeConfigOptions {
  /** The broker's own (unfrozen) config objects; written by update() only. */
  readonly broker: BrokerConfig;
  readonly store: StoreConfig;
  readonly clock: Clock;
}

type Target = { readonly spec: KeySpec<unknown>; readonly object: Record<string, unknown> };

export class RuntimeConfig {
  private version: DataVersion;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RuntimeConfigOptions) {
    this.version = { counter: 0, stateVersion: 0, timestamp: options.clock.now() };
  }

  /** Where updates are persisted. */
  get path(): string {
    const { broker, store } = this.options;
    return broker.brokerConfigPath !== '' ? broker.brokerConfigPath : join(store.storePathRootDir, 'config', 'broker.properties');
  }

  get dataVersion(): DataVersion {
    return this.version;
  }

  /** Every key, broker keys then store keys, as `key=value` lines (getAllConfigsFormatString). */
  formatAll(): string {
    return `${formatConfig(BrokerConfigSchema, this.options.broker)}\n${formatConfig(StoreConfigSchema, this.options.store)}\n`;
  }

  private target(name: string): Target | undefined {
    const { broker, store } = this.options;
    if (Object.hasOwn(BrokerConfigSchema, name)) {
      return { spec: BrokerConfigSchema[name as keyof typeof BrokerConfigSchema] as KeySpec<unknown>, object: broker as unknown as Record<string, unknown> };
    }
    if (Object.hasOwn(StoreConfigSchema, name)) {
      return { spec: StoreConfigSchema[name as keyof typeof StoreConfigSchema] as KeySpec<unknown>, object: store as unknown as Record<string, unknown> };
    }
    return undefined;
  }

  /** Checks every entry; throws BrokerError for the first that cannot be applied. */
  private check(entries: readonly (readonly [string, string])[]): { name: string; value: unknown; text: string; object: Record<string, unknown> }[] {
    if (entries.length > UPDATE_ENTRIES_MAX) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `at most ${UPDATE_ENTRIES_MAX} keys in one update`);
    if (entries.some(([name]) => CONFIG_BLACK_LIST.has(name))) throw new BrokerError(ResponseCode.NO_PERMISSION, 'Can not update config in black list.');
    return entries.map(([name, text]) => {
      const target = this.target(name);
      if (target === undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `unknown config key ${name}`);
      if (!RUNTIME_UPDATABLE_KEYS.has(name)) {
        throw new BrokerError(ResponseCode.INVALID_PARAMETER, `${name} cannot be changed at runtime: set it in the broker's config file and restart the broker`);
      }
      const parsed = target.spec.parse(text);
      if (!parsed.ok) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `${name}: ${parsed.problem}`);
      return { name, value: parsed.value, text: target.spec.format(parsed.value), object: target.object };
    });
  }

  /**
   * Applies the entries (all or none) after persisting them; resolves the names whose value
   * changed. Throws BrokerError for a refused entry, or the I/O error when the file cannot be written.
   */
  update(entries: readonly (readonly [string, string])[]): Promise<string[]> {
    const run = this.queue.then(async () => {
      const checked = this.check(entries);
      if (checked.length === 0) return [];
      await this.persist(checked.map(({ name, text }) => [name, text] as const));
      const changed: string[] = [];
      for (const { name, value, object } of checked) {
        if (object[name] !== value) changed.push(name);
        object[name] = value;
      }
      this.version = { ...this.version, counter: this.version.counter + 1, timestamp: this.options.clock.now() };
      return changed;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(entries: readonly (readonly [string, string])[]): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await writeFileAtomically(this.path, replaceProperties(text, entries), true);
  }
}

/**
 * `text` (a properties file) with each entry's key set to its value: the first line of that key is
 * replaced, later lines of it dropped, and a key not there is appended. Other lines stay as they are.
 */
export function replaceProperties(text: string, entries: readonly (readonly [string, string])[]): string {
  const wanted = new Map(entries);
  const written = new Set<string>();
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    const trimmed = line.trimStart();
    const key = trimmed.startsWith('#') || trimmed.startsWith('!') ? undefined : /^([^=:\s]+)\s*[=:\s]/.exec(trimmed)?.[1];
    if (key === undefined || !wanted.has(key)) {
      out.push(line);
      continue;
    }
    if (written.has(key)) continue;
    written.add(key);
    out.push(`${key}=${wanted.get(key) ?? ''}`);
  }
  for (const [key, value] of wanted) if (!written.has(key)) out.push(`${key}=${value}`);
  return `${out.join('\n')}\n`;
}
