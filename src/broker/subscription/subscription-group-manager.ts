/**
 * subscription-group-manager.ts: consumer groups' settings (SubscriptionGroupManager.java), kept
 * in subscriptionGroup.json. A group is created with Java's defaults the first time a consumer of
 * it shows up when autoCreateSubscriptionGroup is on.
 */
import {
  asObject,
  dataVersionToJson,
  decodeDataVersion,
  decodeSubscriptionGroupConfig,
  newSubscriptionGroupConfig,
  parseFastJson,
  subscriptionGroupConfigToJson,
  type DataVersion,
  type SubscriptionGroupConfig,
} from '../../protocol/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { ConfigFile } from '../persist/config-file.js';

/** Groups every broker has (SubscriptionGroupManager.init). */
const SYSTEM_GROUPS = [
  'TOOLS_CONSUMER',
  'FILTERSRV_CONSUMER',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PULL',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_SYS_RMQ_TRANS',
];

export class SubscriptionGroupManager {
  private readonly table = new Map<string, SubscriptionGroupConfig>();
  private version: DataVersion;
  private readonly file: ConfigFile;

  constructor(
    private readonly autoCreate: boolean,
    path: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.version = { stateVersion: 0, timestamp: clock.now(), counter: 0 };
    this.file = new ConfigFile(path, () => this.encode(), logger);
    for (const group of SYSTEM_GROUPS) {
      this.table.set(group, newSubscriptionGroupConfig(group, { consumeBroadcastEnable: group !== 'CID_SYS_RMQ_TRANS' }));
    }
  }

  async load(): Promise<void> {
    await this.file.load((text) => {
      const root = asObject(parseFastJson(text), 'subscriptionGroup.json');
      const table = asObject(root['subscriptionGroupTable'] ?? {}, 'subscriptionGroupTable');
      for (const [name, entry] of Object.entries(table)) this.table.set(name, decodeSubscriptionGroupConfig(entry, `subscriptionGroupTable.${name}`));
      if (root['dataVersion'] !== undefined) this.version = decodeDataVersion(root['dataVersion'], 'subscriptionGroup.json.dataVersion');
    });
  }

  flush(): Promise<void> {
    return this.file.flush();
  }

  get(group: string): SubscriptionGroupConfig | undefined {
    return this.table.get(group);
  }

  /** The group's config, created with defaults when allowed (findSubscriptionGroupConfig). */
  findOrCreate(group: string): SubscriptionGroupConfig | undefined {
    const existing = this.table.get(group);
    if (existing || !this.autoCreate) return existing;
    const created = newSubscriptionGroupConfig(group);
    this.table.set(group, created);
    this.logger.info({ group }, 'subscription group created');
    this.changed();
    return created;
  }

  update(config: SubscriptionGroupConfig): void {
    this.table.set(config.groupName, config);
    this.changed();
  }

  delete(group: string): boolean {
    if (!this.table.delete(group)) return false;
    this.changed();
    return true;
  }

  all(): ReadonlyMap<string, SubscriptionGroupConfig> {
    return this.table;
  }

  encode(): string {
    const table: Record<string, unknown> = {};
    for (const [name, config] of this.table) table[name] = subscriptionGroupConfigToJson(config);
    return JSON.stringify({ dataVersion: dataVersionToJson(this.version), forbiddenTable: {}, subscriptionGroupTable: table }, null, 2);
  }

  private changed(): void {
    this.version = { ...this.version, timestamp: this.clock.now(), counter: this.version.counter + 1 };
    void this.file.persist();
  }
}
