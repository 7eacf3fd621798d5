/**
 * broker.ts: `mqbroker [-c broker.conf] [-n "host:9876;host2:9876"] [-p] [-m]`, as RocketMQ's
 * BrokerStartup; prints the boot line once the broker serves and has registered.
 */
import { Command } from 'commander';
import { formatConfig } from '../config/index.js';
import { Broker, BrokerConfigSchema, loadBrokerConfig } from '../broker/index.js';
import { StoreConfigSchema } from '../store/index.js';
import { createLogger } from '../log/index.js';
import { brokerEntries, checkNamesrvAddr } from './broker-options.js';
import { exitWithError, printWarnings, runUntilSignal } from './lifecycle.js';

async function main(): Promise<void> {
  const program = new Command('mqbroker')
    .description('Start a RocketMQ broker')
    .option('-c, --configFile <file>', 'Broker config properties file')
    .option('-n, --namesrvAddr <list>', 'Name server address list, eg: "192.168.0.1:9876;192.168.0.2:9876"')
    .option('-p, --printConfigItem', 'Print all config items')
    .option('-m, --printImportantConfig', 'Print important config items')
    .exitOverride((error) => process.exit(error.exitCode));
  program.parse();
  const options = program.opts<{ configFile?: string; namesrvAddr?: string; printConfigItem?: boolean; printImportantConfig?: boolean }>();
  let configs;
  try {
    configs = loadBrokerConfig(await brokerEntries(options));
    checkNamesrvAddr(configs.broker.namesrvAddr);
  } catch (error) {
    exitWithError('mqbroker', error);
  }
  printWarnings(configs.warnings);
  if (options.printConfigItem || options.printImportantConfig) {
    process.stdout.write(`${formatConfig(BrokerConfigSchema, configs.broker)}\n${formatConfig(StoreConfigSchema, configs.store)}\n`);
    return;
  }
  const { broker: config, store: storeConfig } = configs;
  await runUntilSignal('mqbroker', async () => {
    const broker = new Broker({ config, storeConfig, logger: createLogger({ destination: 2 }) });
    await broker.start();
    const namesrv = config.namesrvAddr ? ` and name server is ${config.namesrvAddr}` : '';
    process.stdout.write(`The broker[${config.brokerName}, ${broker.address}] boot success. serializeType=JSON${namesrv}\n`);
    return broker;
  });
}

void main();
