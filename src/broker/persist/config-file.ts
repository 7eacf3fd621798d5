/**
 * config-file.ts: a broker JSON file (topics.json, subscriptionGroup.json, consumerOffset.json)
 * written atomically as RocketMQ does (MixAll.string2File): the new text goes to <file>.tmp and is
 * fsync'ed, the previous text is kept as <file>.bak, then the .tmp is renamed over the file.
 * Loading falls back to the .bak when the file is missing or unreadable.
 *
 * Writes are coalesced: persist() while a write runs schedules one more write, which renders the
 * latest state; there is never more than one write in flight and one pending.
 */
import { copyFile, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../../log/index.js';

export class ConfigFile {
  private writing: Promise<void> | undefined;
  private again = false;

  constructor(
    readonly path: string,
    private readonly render: () => string,
    private readonly logger: Logger,
  ) {}

  /** The text of the file, or of its .bak when the file cannot be read; undefined when neither exists. */
  async load(parse: (text: string) => void): Promise<boolean> {
    for (const candidate of [this.path, `${this.path}.bak`]) {
      let text: string;
      try {
        text = await readFile(candidate, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      try {
        parse(text);
        if (candidate !== this.path) this.logger.warn({ file: candidate }, 'loaded the backup config file');
        return true;
      } catch (error) {
        this.logger.error({ file: candidate, reason: (error as Error).message }, 'cannot parse config file');
      }
    }
    return false;
  }

  /** Schedules a write of the current state; resolves when a write that includes it is done. */
  persist(): Promise<void> {
    if (this.writing) {
      this.again = true;
      return this.writing;
    }
    this.writing = this.writeLoop().finally(() => {
      this.writing = undefined;
    });
    return this.writing;
  }

  /** Waits for pending writes. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.writeAtomically(this.render());
      } catch (error) {
        // The in-memory state is intact; the next persist() tries again.
        this.logger.error({ file: this.path, err: error }, 'cannot write config file');
      }
    } while (this.again);
  }

  private async writeAtomically(text: string): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await copyFile(this.path, `${this.path}.bak`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(tmp, this.path);
    const directory = await open(dirname(this.path), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }
}
