// The mqnamesrv entry point as a child process: boot line, config errors, -p, clean shutdown.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { testLogger } from '../../src/log/index.js';
import { RequestCode, ResponseCode } from '../../src/protocol/index.js';
import { RemotingClient } from '../../src/remoting/index.js';

/** The compiled src/bin/namesrv.js beside this compiled test (dist/ or a dist-* folder). */
const ENTRY = fileURLToPath(new URL('../../src/bin/namesrv.js', import.meta.url));
/** A test that waits on a socket or a process fails after this instead of hanging. */
const TEST_TIMEOUT_MS = 30_000;
const BOOT_LINE = /^The Name Server boot success\. serializeType=JSON, address 0\.0\.0\.0:(\d+)$/m;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mqnamesrv-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

test('mqnamesrv - prints Java\'s boot line, serves requests and stops cleanly on SIGTERM', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const dir = await tempDir(t);
  const conf = join(dir, 'namesrv.conf');
  await writeFile(conf, `listenPort=0\nkvConfigPath=${join(dir, 'kvConfig.json')}\nnoSuchKey=1\n`);
  const child = spawn(process.execPath, [ENTRY, '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = BOOT_LINE.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', () => reject(new Error(`mqnamesrv exited before booting: ${stderr}`)));
  });
  assert.match(stdout, new RegExp(`^load config properties file OK, ${conf.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
  assert.match(stderr, /namesrv\.conf:3: unknown key noSuchKey; ignored/);
  const client = new RemotingClient({ logger: testLogger() });
  try {
    const route = await client.invoke(`127.0.0.1:${port}`, { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: 'T' } }, 5000);
    assert.equal(route.code, ResponseCode.TOPIC_NOT_EXIST);
  } finally {
    await client.close();
  }
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>;
  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
});

test('mqnamesrv - a bad config prints every problem with its key and exits 1 without a stack trace', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const dir = await tempDir(t);
  const conf = join(dir, 'bad.conf');
  await writeFile(conf, 'listenPort=http\norderMessageEnable=yes\n');
  const result = await run(['-c', conf]);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /bad\.conf:1: listenPort: "http" is not an integer/);
  assert.match(result.stderr, /bad\.conf:2: orderMessageEnable: "yes" is not true or false/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  assert.doesNotMatch(result.stdout, /boot success/);
  const missing = await run(['-c', join(dir, 'missing.conf')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /missing\.conf: cannot read/);
});

test('mqnamesrv - -p prints every config item and exits 0', { timeout: TEST_TIMEOUT_MS }, async () => {
  const result = await run(['-p']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^listenPort=9876$/m);
  assert.match(result.stdout, /^scanNotActiveBrokerInterval=5000$/m);
  assert.doesNotMatch(result.stdout, /boot success/);
});
