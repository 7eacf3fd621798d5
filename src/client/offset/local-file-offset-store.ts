/**
 * local-file-offset-store.ts: a broadcasting client's offsets in
 * <offsetStoreDir>/<clientId>/<group>/offsets.json (LocalFileOffsetStore.java), in Java's format,
 * OffsetSerializeWrapper as fastjson writes it ({"offsetTable":{{mq}:offset,...}}), so a Java
 * client's file is read and ours is readable by Java.
 *
 * A write goes to offsets.json.tmp, the previous file is copied to offsets.json.bak, then the tmp
 * file is renamed over it (MixAll.string2File); loading falls back to the .bak file. Writes are
 * serialised, so two persists never interleave.
 */
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { decodeMessageQueueMap, encodeMessageQueueMap } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { MessageQueue } from '../message.js';
import { OFFSET_NOT_FOUND, OffsetTable, ReadOffsetType, type OffsetStore } from './offset-store.js';

export class LocalFileOffsetStore implements OffsetStore {
  readonly path: string;
  private readonly table = new OffsetTable();
  /** What the file held at load or last write. */
  private readonly stored = new OffsetTable();
  private writing: Promise<void> = Promise.resolve();

  constructor(
    dir: string,
    clientId: string,
    groupName: string,
    private readonly logger: Logger,
  ) {
    this.path = join(dir, clientId, groupName, 'offsets.json');
  }

  async load(): Promise<void> {
    const entries = (await this.read(this.path)) ?? (await this.read(`${this.path}.bak`)) ?? [];
    for (const { queue, offset } of entries) {
      const mq = MessageQueue.from(queue);
      this.table.update(mq, offset, false);
      this.stored.update(mq, offset, false);
    }
  }

  private async read(path: string): Promise<ReturnType<typeof decodeMessageQueueMap> | undefined> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return decodeMessageQueueMap(text, 'offsetTable');
    } catch (error) {
      this.logger.warn({ err: error, path }, 'cannot read a local offsets file');
      return undefined;
    }
  }

  updateOffset(queue: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.table.update(queue, offset, increaseOnly);
  }

  async readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== ReadOffsetType.READ_FROM_STORE) {
      const offset = this.table.get(queue);
      if (offset !== undefined) return offset;
      if (type === ReadOffsetType.READ_FROM_MEMORY) return OFFSET_NOT_FOUND;
    }
    const offset = this.stored.get(queue);
    if (offset === undefined) return OFFSET_NOT_FOUND;
    this.table.update(queue, offset, false);
    return offset;
  }

  async persistAll(queues: readonly MessageQueue[]): Promise<void> {
    if (queues.length === 0) return;
    const keep = new Set(queues.map((queue) => queue.key));
    const entries = [...this.table.entries.values()].filter((entry) => keep.has(entry.queue.key)).map((entry) => ({ queue: entry.queue, offset: entry.offset }));
    await this.write(entries);
  }

  async persist(queue: MessageQueue): Promise<void> {
    const offset = this.table.get(queue);
    if (offset === undefined) return;
    this.stored.update(queue, offset, false);
    await this.write([...this.stored.entries.values()].map((entry) => ({ queue: entry.queue, offset: entry.offset })));
  }

  removeOffset(queue: MessageQueue): void {
    this.table.remove(queue);
  }

  private write(entries: { queue: MessageQueue; offset: number }[]): Promise<void> {
    for (const { queue, offset } of entries) this.stored.update(queue, offset, false);
    const text = encodeMessageQueueMap('offsetTable', entries);
    const next = this.writing.then(async () => {
      await mkdir(dirname(this.path), { recursive: true });
      await writeFile(`${this.path}.tmp`, text);
      await copyFile(this.path, `${this.path}.bak`).catch(() => undefined);
      await rename(`${this.path}.tmp`, this.path);
    });
    this.writing = next.catch((error: unknown) => this.logger.warn({ err: error, path: this.path }, 'persist local offsets failed'));
    return this.writing;
  }
}
