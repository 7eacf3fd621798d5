/**
 * standalone.ts: `npm start`: a NameServer and a Broker in one process, for development and
 * trying things out. Defaults: name server on 9876, broker on 10911 advertising 127.0.0.1, store
 * in ./store. Both boot lines go to stdout, logs to stderr; SIGINT/SIGTERM stop the broker
 * (flush, unregister, close) and then the name server.
 *
 *   node dist/src/bin/standalone.js [--namesrv-port 9876] [--broker-port 10911] [--store ./store]
 *                                   [--broker-ip 127.0.0.1] [-c broker.conf]
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { readPropertiesFile, type ConfigEntry } from '../config/index.js';
import { Broker, loadBrokerConfig } from '../broker/index.js';
import { NameServer, loadNamesrvConfig } from '../namesrv/index.js';
import { createLogger } from '../log/index.js';
import { exitWithError, printWarnings, runUntilSignal } from './lifecycle.js';

function port(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65535) throw new InvalidArgumentError('not a port number (0-65535)');
  return number;
}

interface Options {
  readonly namesrvPort: number;
  readonly brokerPort: number;
  readonly store: string;
  readonly brokerIp: string;
  readonly configFile?: string;
}

function parseArgs(): Options {
  return new Command('standalone')
    .description('A RocketMQ name server and broker in one process')
    .option('--namesrv-port <port>', 'name server port', port, 9876)
    .option('--broker-port <port>', 'broker port', port, 10911)
    .option('--store <dir>', 'store folder (storePathRootDir)', './store')
    .option('--broker-ip <ip>', 'address the broker advertises (brokerIP1)', '127.0.0.1')
    .option('-c, --configFile <file>', 'more broker.conf keys')
    .parse()
    .opts<Options>();
}

function brokerEntries(options: Options, extra: readonly ConfigEntry[], namesrvAddr: string): ConfigEntry[] {
  return [
    { key: 'brokerName', value: 'broker-a', source: 'standalone' },
    { key: 'brokerIP1', value: options.brokerIp, source: '--broker-ip' },
    { key: 'listenPort', value: String(options.brokerPort), source: '--broker-port' },
    { key: 'storePathRootDir', value: resolve(options.store), source: '--store' },
    ...extra,
    { key: 'namesrvAddr', value: namesrvAddr, source: 'standalone' },
  ];
}

async function main(): Promise<void> {
  const options = parseArgs();
  const extra = options.configFile ? await readPropertiesFile(options.configFile) : [];
  const namesrvConfig = loadNamesrvConfig([
    { key: 'listenPort', value: String(options.namesrvPort), source: '--namesrv-port' },
    { key: 'kvConfigPath', value: resolve(options.store, 'namesrv', 'kvConfig.json'), source: '--store' },
    { key: 'configStorePath', value: resolve(options.store, 'namesrv', 'namesrv.properties'), source: '--store' },
  ]);
  // Checked before anything starts, so a bad file fails fast; loaded again once the name
  // server's port is known (--namesrv-port 0 picks a free one).
  const checked = loadBrokerConfig(brokerEntries(options, extra, `127.0.0.1:${options.namesrvPort}`));
  printWarnings([...namesrvConfig.warnings, ...checked.warnings]);
  const logger = createLogger({ destination: 2 });
  await runUntilSignal('standalone', async () => {
    const namesrv = new NameServer({ config: namesrvConfig.config, logger: logger.child({ module: 'namesrv' }) });
    await namesrv.start();
    process.stdout.write(`The Name Server boot success. serializeType=JSON, address ${namesrvConfig.config.bindAddress}:${namesrv.port}\n`);
    const namesrvAddr = `127.0.0.1:${namesrv.port}`;
    const { broker: config, store: storeConfig } = loadBrokerConfig(brokerEntries(options, extra, namesrvAddr));
    const broker = new Broker({ config, storeConfig, logger: logger.child({ module: 'broker' }) });
    try {
      await broker.start();
    } catch (error) {
      await namesrv.shutdown();
      throw error;
    }
    process.stdout.write(`The broker[${config.brokerName}, ${broker.address}] boot success. serializeType=JSON and name server is ${namesrvAddr}\n`);
    return {
      async shutdown() {
        await broker.shutdown();
        await namesrv.shutdown();
      },
    };
  });
}

main().catch((error: unknown) => exitWithError('standalone', error));
