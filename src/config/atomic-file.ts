/**
 * atomic-file.ts: how our servers write their small state files (topics.json, kvConfig.json, ...):
 * the text goes to <file>.tmp and is fsync'ed, then renamed over the file and the directory is
 * fsync'ed, so a crash leaves either the old file or the new one, never a mix. With `keepBackup`
 * the previous file is first copied to <file>.bak, as RocketMQ's MixAll.string2File does.
 */
import { copyFile, mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function writeFileAtomically(path: string, text: string, keepBackup = false): Promise<void> {
  const directory = dirname(path);
  await mkdir(directory, { recursive: true });
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  if (keepBackup) {
    try {
      await copyFile(path, `${path}.bak`);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await rename(temporary, path);
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  } finally {
    await handle.close();
  }
}
