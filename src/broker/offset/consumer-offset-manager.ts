/**
 * consumer-offset-manager.ts: each consumer group's committed offset per topic and queue
 * (ConsumerOffsetManager.java), kept in consumerOffset.json as RocketMQ writes it:
 * {"offsetTable":{"<topic>@<group>":{0:12,1:7}}}, queue ids as fastjson's unquoted keys.
 * Commits only change memory; the file is written every flushConsumerOffsetInterval and on
 * shutdown, so a crash loses at most that interval of progress (consumers then see a few
 * messages again: at-least-once).
 */
import { asObject, asInteger, parseFastJson, stringifyFastJson } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { ConfigFile } from '../persist/config-file.js';

const TOPIC_GROUP_SEPARATOR = '@';

export class ConsumerOffsetManager {
  /** "topic@group" → queueId → offset. */
  private readonly table = new Map<string, Map<number, number>>();
  private readonly file: ConfigFile;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    path: string,
    private readonly flushIntervalMs: number,
    logger: Logger,
  ) {
    this.file = new ConfigFile(path, () => this.encode(), logger);
  }

  async load(): Promise<void> {
    await this.file.load((text) => {
      const root = asObject(parseFastJson(text), 'consumerOffset.json');
      const table = asObject(root['offsetTable'] ?? {}, 'consumerOffset.json.offsetTable');
      for (const [key, queues] of Object.entries(table)) {
        const offsets = new Map<number, number>();
        for (const [queueId, offset] of Object.entries(asObject(queues, `offsetTable.${key}`))) {
          offsets.set(asInteger(queueId, `offsetTable.${key} queue id`), asInteger(offset, `offsetTable.${key}.${queueId}`));
        }
        this.table.set(key, offsets);
      }
    });
  }

  /** Starts the periodic write. */
  start(): void {
    this.timer = setInterval(() => {
      if (!this.dirty) return;
      this.dirty = false;
      void this.file.persist();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the periodic write and writes what changed. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.dirty) {
      this.dirty = false;
      await this.file.persist();
    }
    await this.file.flush();
  }

  commit(group: string, topic: string, queueId: number, offset: number): void {
    const key = topic + TOPIC_GROUP_SEPARATOR + group;
    let offsets = this.table.get(key);
    if (offsets === undefined) {
      offsets = new Map();
      this.table.set(key, offsets);
    }
    if (offsets.get(queueId) !== offset) {
      offsets.set(queueId, offset);
      this.dirty = true;
    }
  }

  /** The committed offset, or -1 when the group has none for that queue (as Java). */
  query(group: string, topic: string, queueId: number): number {
    return this.table.get(topic + TOPIC_GROUP_SEPARATOR + group)?.get(queueId) ?? -1;
  }

  /** Every queue's offset of a group on a topic. */
  queryAll(group: string, topic: string): ReadonlyMap<number, number> {
    return this.table.get(topic + TOPIC_GROUP_SEPARATOR + group) ?? new Map();
  }

  /** Forgets every group's offsets on a deleted topic. */
  removeTopic(topic: string): void {
    for (const key of this.table.keys()) {
      if (key.startsWith(topic + TOPIC_GROUP_SEPARATOR)) {
        this.table.delete(key);
        this.dirty = true;
      }
    }
  }

  /** Forgets a deleted group's offsets. */
  removeGroup(group: string): void {
    for (const key of this.table.keys()) {
      if (key.endsWith(TOPIC_GROUP_SEPARATOR + group)) {
        this.table.delete(key);
        this.dirty = true;
      }
    }
  }

  /**
   * Copies srcGroup's offsets of `topic` to destGroup, replacing destGroup's (cloneOffset); false
   * when srcGroup has none there.
   */
  cloneOffset(srcGroup: string, destGroup: string, topic: string): boolean {
    const offsets = this.table.get(topic + TOPIC_GROUP_SEPARATOR + srcGroup);
    if (offsets === undefined) return false;
    this.table.set(topic + TOPIC_GROUP_SEPARATOR + destGroup, new Map(offsets));
    this.dirty = true;
    return true;
  }

  /** Every group with offsets on `topic` (whichGroupByTopic). */
  groupsOfTopic(topic: string): string[] {
    const prefix = topic + TOPIC_GROUP_SEPARATOR;
    return [...this.table.keys()].filter((key) => key.startsWith(prefix) && !key.slice(prefix.length).includes(TOPIC_GROUP_SEPARATOR)).map((key) => key.slice(prefix.length));
  }

  /** Topics a group has offsets on. */
  topicsOfGroup(group: string): string[] {
    const suffix = TOPIC_GROUP_SEPARATOR + group;
    return [...this.table.keys()].filter((key) => key.endsWith(suffix)).map((key) => key.slice(0, -suffix.length));
  }

  encode(): string {
    const offsetTable: Record<string, Record<string, number>> = {};
    for (const [key, offsets] of this.table) offsetTable[key] = Object.fromEntries([...offsets].map(([queueId, offset]) => [String(queueId), offset]));
    return stringifyFastJson({ offsetTable }, true);
  }
}
