/**
 * cluster.ts: NameServers and Brokers started in-process on port 0 with temp dirs, for tests,
 * and the few admin requests tests need before mqadmin exists. Every start has a stop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Broker, loadBrokerConfig } from '../../src/broker/index.js';
import { NameServer, namesrvConfig } from '../../src/namesrv/index.js';
import {
  CreateTopicRequestHeader,
  GetRouteInfoRequestHeader,
  PermName,
  RequestCode,
  ResponseCode,
  decodeTopicRouteData,
  type RemotingCommand,
  type TopicRouteData,
} from '../../src/protocol/index.js';
import { RemotingClient } from '../../src/remoting/index.js';
import { testLogger } from '../../src/log/index.js';

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `rocketmq-ts-${prefix}-`));
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 30_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface TestNamesrv {
  readonly namesrv: NameServer;
  readonly address: string;
  stop(): Promise<void>;
}

export async function startNamesrv(): Promise<TestNamesrv> {
  const dir = await tempDir('namesrv');
  const namesrv = new NameServer({ config: namesrvConfig({ listenPort: 0, kvConfigPath: join(dir, 'kvConfig.json'), configStorePath: join(dir, 'namesrv.properties') }), logger: testLogger() });
  await namesrv.start();
  return {
    namesrv,
    address: `127.0.0.1:${namesrv.port}`,
    async stop() {
      await namesrv.shutdown();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface TestBroker {
  readonly broker: Broker;
  readonly address: string;
  readonly storeDir: string;
  /** Stops the broker; keeps its store unless `removeStore`. */
  stop(removeStore?: boolean): Promise<void>;
}

export interface BrokerStartOptions {
  readonly namesrvAddr: string;
  readonly storeDir?: string;
  readonly listenPort?: number;
  readonly brokerName?: string;
  /** More broker.conf entries. */
  readonly conf?: Readonly<Record<string, string>>;
}

export async function startBroker(options: BrokerStartOptions): Promise<TestBroker> {
  const storeDir = options.storeDir ?? (await tempDir('broker'));
  const conf: Record<string, string> = {
    brokerName: options.brokerName ?? 'broker-a',
    brokerIP1: '127.0.0.1',
    listenPort: String(options.listenPort ?? 0),
    namesrvAddr: options.namesrvAddr,
    storePathRootDir: storeDir,
    mappedFileSizeCommitLog: String(64 * 1024 * 1024),
    ...options.conf,
  };
  const { broker: config, store: storeConfig } = loadBrokerConfig(Object.entries(conf).map(([key, value]) => ({ key, value, source: 'test' })));
  const broker = new Broker({ config, storeConfig, logger: testLogger() });
  await broker.start();
  return {
    broker,
    address: broker.address,
    storeDir,
    async stop(removeStore = false) {
      await broker.shutdown();
      if (removeStore) await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/** A remoting client for tests' own requests. */
export function adminClient(): RemotingClient {
  return new RemotingClient({ logger: testLogger() });
}

/** GET_ROUTEINFO_BY_TOPIC, undefined when the name server has no route. */
export async function topicRoute(client: RemotingClient, namesrvAddr: string, topic: string): Promise<TopicRouteData | undefined> {
  const response = await client.invoke(namesrvAddr, { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: GetRouteInfoRequestHeader.encode({ topic }) }, 3000);
  return response.code === ResponseCode.SUCCESS ? decodeTopicRouteData(response.body) : undefined;
}

/** UPDATE_AND_CREATE_TOPIC on a broker, with RocketMQ's defaults for what `extra` leaves out; any answer. */
export function updateTopic(
  client: RemotingClient,
  brokerAddr: string,
  topic: string,
  queueNums: number,
  extra: { attributes?: string; order?: boolean } = {},
): Promise<RemotingCommand> {
  const extFields = CreateTopicRequestHeader.encode({
    topic,
    defaultTopic: 'TBW102',
    readQueueNums: queueNums,
    writeQueueNums: queueNums,
    perm: PermName.READ | PermName.WRITE,
    topicFilterType: 'SINGLE_TAG',
    order: extra.order ?? false,
    attributes: extra.attributes,
  });
  return client.invoke(brokerAddr, { code: RequestCode.UPDATE_AND_CREATE_TOPIC, extFields }, 3000);
}

/** Creates a topic on a broker, then waits for the route to show at the name server. */
export async function createTopic(client: RemotingClient, brokerAddr: string, namesrvAddr: string, topic: string, queueNums: number): Promise<void> {
  const response = await updateTopic(client, brokerAddr, topic, queueNums);
  if (response.code !== ResponseCode.SUCCESS) throw new Error(`create topic ${topic}: ${response.code} ${response.remark ?? ''}`);
  await waitFor(async () => (await topicRoute(client, namesrvAddr, topic))?.queueDatas.some((q) => q.writeQueueNums === queueNums), `route of ${topic}`);
}
