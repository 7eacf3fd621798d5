/**
 * ours.ts: our NameServer and Broker as bench:peers systems, run as the user would run them
 * (bin/mqnamesrv and bin/mqbroker as child processes with a broker.conf; the compiled code in
 * dist/), measured through our client SDK: ASYNC_FLUSH and SYNC_FLUSH. Also the standalone
 * entry's start-to-boot-line time.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BROKER_NODE_OPTIONS } from '../../../src/bin/node-options.js';
import { freePort, startServer, type Started } from '../processes.js';
import { rocketmqSystem } from '../rocketmq.js';
import type { Peer, RunningPeer } from './peer.js';

/** The repository root: this file is dist-bench/bench/lib/peers/ours.js. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Writes namesrv.conf and broker.conf into `dir`; returns the name server address. */
async function writeConfigs(dir: string, flushDiskType: FlushDiskType): Promise<string> {
  const [namesrvPort, brokerPort] = [await freePort(), await freePort()];
  const namesrvAddr = `127.0.0.1:${namesrvPort}`;
  await writeFile(join(dir, 'namesrv.conf'), [`listenPort=${namesrvPort}`, `kvConfigPath=${join(dir, 'kvConfig.json')}`, `configStorePath=${join(dir, 'namesrv.properties')}`, ''].join('\n'));
  await writeFile(
    join(dir, 'broker.conf'),
    ['brokerClusterName=DefaultCluster', 'brokerName=broker-bench', 'brokerId=0', 'brokerIP1=127.0.0.1', `listenPort=${brokerPort}`,
      `namesrvAddr=${namesrvAddr}`, `storePathRootDir=${join(dir, 'store')}`, `flushDiskType=${flushDiskType}`, ''].join('\n'),
  );
  return namesrvAddr;
}

export type FlushDiskType = 'ASYNC_FLUSH' | 'SYNC_FLUSH';

/**
 * bin/mqbroker -c <dir>/broker.conf, with the node options its shebang gives it; `nodeArgs` go to
 * node too (--cpu-prof for bench:profile).
 */
export function startBroker(dir: string, nodeArgs: readonly string[] = []): Promise<Started> {
  const args = [...BROKER_NODE_OPTIONS, ...nodeArgs, join(ROOT, 'bin/mqbroker'), '-c', join(dir, 'broker.conf')];
  return startServer({ name: 'mqbroker', command: process.execPath, args, dir, ready: /boot success/ });
}

export interface OursRunning {
  readonly namesrvAddr: string;
  readonly namesrv: Started;
  readonly broker: Started;
}

/** Our name server and broker as child processes, configured in `dir`. */
export async function startOurs(dir: string, flushDiskType: FlushDiskType, brokerNodeArgs: readonly string[] = []): Promise<OursRunning> {
  const namesrvAddr = await writeConfigs(dir, flushDiskType);
  const namesrv = await startServer({ name: 'mqnamesrv', command: process.execPath, args: [join(ROOT, 'bin/mqnamesrv'), '-c', join(dir, 'namesrv.conf')], dir, ready: /boot success/ });
  const broker = await startBroker(dir, brokerNodeArgs).catch(async (error: unknown) => {
    await namesrv.stop();
    throw error;
  });
  return { namesrvAddr, namesrv, broker };
}

async function start(dir: string, flushDiskType: FlushDiskType, autoBatch: boolean): Promise<RunningPeer> {
  const { namesrvAddr, namesrv, broker } = await startOurs(dir, flushDiskType);
  return {
    system: rocketmqSystem({ namesrvAddr, name: `ours-${flushDiskType}`, cluster: 'DefaultCluster', autoBatch }),
    pid: broker.pid,
    bootMs: broker.bootMs,
    stop: async () => {
      await broker.stop();
      await namesrv.stop();
    },
  };
}

/**
 * Our broker in one flush mode. With `autoBatch` the producer batches as RocketMQ 5's
 * DefaultMQProducer.setAutoBatch(true) does (batches of 32 KiB or 10 ms, its defaults): the publish
 * workloads only, since a lone send waits those 10 ms by design.
 */
function oursPeer(flushDiskType: FlushDiskType, autoBatch = false): Peer {
  const name = flushDiskType === 'ASYNC_FLUSH' ? 'ours-async' : 'ours-sync';
  return {
    name: autoBatch ? `${name}-batch` : name,
    label: autoBatch
      ? `rocketmq-ts broker, ${flushDiskType}, our client SDK's Producer with autoBatch (RocketMQ 5's ProduceAccumulator: batches of 32 KiB or 10 ms)`
      : `rocketmq-ts broker, ${flushDiskType}, our client SDK (Producer, PushConsumer)`,
    workloads: flushDiskType === 'ASYNC_FLUSH' && !autoBatch ? 'all' : 'publish',
    start: (dir) => start(dir, flushDiskType, autoBatch),
    version: async () => {
      const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
      return manifest.version;
    },
  };
}

export const oursAsync = oursPeer('ASYNC_FLUSH');
export const oursSync = oursPeer('SYNC_FLUSH');
export const oursAsyncBatch = oursPeer('ASYNC_FLUSH', true);
export const oursSyncBatch = oursPeer('SYNC_FLUSH', true);

/** Milliseconds from spawning the standalone entry (name server + broker) to the broker's boot line. */
export async function standaloneBootMs(dir: string): Promise<number> {
  const server = await startServer({
    name: 'standalone',
    command: process.execPath,
    args: [...BROKER_NODE_OPTIONS, join(ROOT, 'dist/src/bin/standalone.js'), '--namesrv-port', '0', '--broker-port', '0', '--store', join(dir, 'store')],
    dir,
    ready: /The broker\[.*boot success/,
  });
  await server.stop();
  return server.bootMs;
}
