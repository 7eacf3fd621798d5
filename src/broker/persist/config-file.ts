/**
 * config-file.ts: a broker JSON file (topics.json, subscriptionGroup.json, consumerOffset.json)
 * written atomically as RocketMQ does (MixAll.string2File): the new text goes to <file>.tmp and is
 * fsync'ed, the previous text is kept as <file>.bak, then the .tmp is renamed over the file.
 * Loading falls back to the .bak when the file is missing or unreadable.
 *
 * Writes are coalesced: persist() while a write runs schedules one more write, which renders the
 * latest state; there is never more than one write in flight and one pending.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomically } from '../../config/index.js';
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
        await writeFileAtomically(this.path, this.render(), true);
      } catch (error) {
        // The in-memory state is intact; the next persist() tries again.
        this.logger.error({ file: this.path, err: error }, 'cannot write config file');
      }
    } while (this.again);
  }
}
