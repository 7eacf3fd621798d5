/**
 * The store contract under crashes, over two disks (nats store_test.go style: one scenario, every
 * implementation):
 * - real files: node:fs behind a crash switch; a crash is a process kill (what the OS has stays),
 *   then the test damages the tail past the last acknowledged record (tears it, flips a checked
 *   bit, or appends garbage);
 * - faulty files (file/faulty-file.ts): short reads while running; a crash is a power loss (unsynced
 *   writes lost, torn or bit-flipped, new files lost) or a process kill (running writes torn).
 * Each seed writes over several topics and queues with tiny segments, crashes at random moments,
 * reopens and checks the ledger (testing/ledger.ts). SEED=n replays one seed; STORE_SEEDS=n runs more.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFile, open, readdir, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitLogFlipTarget, FaultyFileSystem, type CrashMode } from './file/faulty-file.js';
import { SeededRandom } from './file/seeded-random.js';
import type { StoreFileSystem } from './file/store-file.js';
import type { StoreConfig } from './config.js';
import { InstrumentedFileSystem, smallConfig, startStore, withTempDir, type StoreUnderTest } from './testing/fixture.js';
import { Ledger, testSeeds, withSeed } from './testing/ledger.js';

const SEGMENT_BYTES = 4096;
const ROUNDS = 4;

interface Disk {
  readonly name: string;
  /** A fresh file system for one run of the store (a new process). */
  open(random: SeededRandom): StoreFileSystem;
  /** Crashes the store; returns whether acknowledged puts must survive (given the flush mode). */
  crash(under: StoreUnderTest<StoreFileSystem>, random: SeededRandom, sync: boolean): Promise<{ durable: boolean; describe: string }>;
  /** Runs after the producers stopped: damage the files may take on top of the crash. */
  damage(root: string, ledger: Ledger, random: SeededRandom): Promise<string>;
  events(fs: StoreFileSystem): string;
}

const realFiles: Disk = {
  name: 'real files',
  open: () => new InstrumentedFileSystem(),
  async crash(under) {
    (under.fs as InstrumentedFileSystem).crash();
    return { durable: true, describe: 'process kill' };
  },
  damage: damageTail,
  events: () => '',
};

const faultyFiles: Disk = {
  name: 'faulty files',
  open: (random) => new FaultyFileSystem({ seed: random.next() }),
  async crash(under, random, sync) {
    const mode: CrashMode = random.chance(0.7) ? 'POWER_LOSS' : 'PROCESS_KILL';
    const report = await (under.fs as FaultyFileSystem).crash(mode);
    return { durable: sync || mode === 'PROCESS_KILL', describe: `${mode} ${JSON.stringify(report)}` };
  },
  damage: async () => 'none',
  events: (fs) => (fs as FaultyFileSystem).events.slice(-40).join('\n'),
};

/** The last CommitLog segment file: its path, start offset and size. */
async function lastSegment(root: string): Promise<{ path: string; start: number; size: number } | undefined> {
  const names = (await readdir(join(root, 'commitlog'))).filter((name) => /^\d{20}$/.test(name)).sort();
  const name = names.at(-1);
  if (name === undefined) return undefined;
  const path = join(root, 'commitlog', name);
  return { path, start: Number(name), size: (await stat(path)).size };
}

/** Damages the CommitLog past the last acknowledged record: a tear, a checked bit flipped, or garbage. */
async function damageTail(root: string, ledger: Ledger, random: SeededRandom): Promise<string> {
  const last = await lastSegment(root);
  if (last === undefined) return 'none';
  const from = Math.max(ledger.ackedEnd, last.start) - last.start;
  const room = last.size - from;
  const kind = room <= 0 ? 2 : random.int(3);
  if (kind === 0) {
    const at = from + random.int(room);
    await truncate(last.path, at);
    return `torn at ${last.start + at}`;
  }
  if (kind === 1) {
    const file = await open(last.path, 'r+');
    try {
      const bytes = Buffer.alloc(room);
      await file.read(bytes, 0, room, from);
      const target = commitLogFlipTarget(bytes, random);
      if (target === undefined) return 'nothing to flip';
      await file.write(Buffer.from([(bytes[target] as number) ^ (1 << random.int(8))]), 0, 1, from + target);
      return `flipped a bit at ${last.start + from + target}`;
    } finally {
      await file.close();
    }
  }
  // A crash never makes a segment longer than the store writes it.
  const space = Math.min(300, SEGMENT_BYTES - last.size);
  if (space <= 0) return 'none (the segment is full)';
  const length = random.between(1, space);
  const garbage = random.chance(0.5) ? Buffer.alloc(length) : randomBytes(length);
  await appendFile(last.path, garbage);
  return `appended ${garbage.length} bytes`;
}

function configFor(root: string, flushDiskType: StoreConfig['flushDiskType'], random: SeededRandom): StoreConfig {
  return smallConfig(root, {
    flushDiskType,
    mappedFileSizeCommitLog: SEGMENT_BYTES,
    mappedFileSizeConsumeQueue: 20 * 32,
    maxMessageSize: 1024,
    commitLogWriteBufferBytes: 8 * 1024,
    flushIntervalCommitLog: random.between(1, 30),
    flushCommitLogLeastPages: random.int(3),
    flushIntervalConsumeQueue: random.between(1, 30),
    flushConsumeQueueLeastPages: random.int(3),
    syncFlushTimeout: 60_000,
  });
}

/** One seed: ROUNDS runs of the store, each ended by a crash (the last by a clean shutdown). */
async function scenario(disk: Disk, flushDiskType: StoreConfig['flushDiskType'], seed: number): Promise<void> {
  const random = new SeededRandom(seed);
  const ledger = new Ledger(random.fork());
  const history: string[] = [];
  let fs: StoreFileSystem | undefined;
  const previousEvents: string[] = [];
  await withTempDir(async (root) => {
    const config = configFor(root, flushDiskType, random);
    let durable = true;
    const describe = (): string => `${disk.name} ${flushDiskType}: ${history.join('; ')}\n${[...previousEvents, fs === undefined ? '' : disk.events(fs)].join('\n')}`;
    await withSeed(seed, describe, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        fs = disk.open(random);
        const under = await startStore(config, { fs });
        const { lost } = await ledger.verify(under.store, durable);
        history.push(`round ${round}: ${ledger.acked.size} acked, ${lost.length} lost`);
        const crashAfter = random.between(1, 40);
        let crashNow: () => void = () => undefined;
        const crashing = new Promise<void>((resolve) => (crashNow = resolve));
        const work = ledger.run(under.store, {
          puts: 80,
          producers: random.between(1, 8),
          batchChance: 0.2,
          onAck: (count) => {
            if (count >= crashAfter && round < ROUNDS - 1) crashNow();
            return false;
          },
        });
        const outcome = await Promise.race([crashing.then(() => 'crash' as const), work.then(() => 'done' as const)]);
        if (outcome === 'done') assert.deepEqual((await work).failures, [], 'no put fails before the crash');
        if (outcome === 'done' && round === ROUNDS - 1) {
          await under.store.shutdown();
          continue;
        }
        const crash = await disk.crash(under, random, flushDiskType === 'SYNC_FLUSH');
        previousEvents.splice(0, previousEvents.length, `-- round ${round} --`, disk.events(fs));
        await work;
        await under.store.shutdown().catch(() => undefined); // stops its timers; its files are gone with the "process"
        durable = crash.durable;
        history.push(`${crash.describe}, damage: ${await disk.damage(root, ledger, random)}`);
      }
      fs = disk.open(random);
      const last = await startStore(config, { fs });
      await ledger.verify(last.store, true);
      await last.store.shutdown();
    });
  });
}

for (const disk of [realFiles, faultyFiles]) {
  for (const flushDiskType of ['SYNC_FLUSH', 'ASYNC_FLUSH'] as const) {
    test(`store contract - ${disk.name}, ${flushDiskType}: acknowledged messages survive crashes, nothing corrupt is served`, async () => {
      for (const seed of testSeeds(2)) await scenario(disk, flushDiskType, seed);
    });
  }
}
