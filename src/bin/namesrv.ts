/**
 * bin/namesrv.ts: the mqnamesrv command (NamesrvStartup.java). It reads argv, the config file
 * and signals; everything else is the NameServer's.
 *
 *   mqnamesrv [-c namesrv.conf] [-p]
 *
 * -c loads a Java properties file (RocketMQ's NamesrvConfig / NettyServerConfig keys); -p prints
 * every config item and exits. Config warnings go to stderr; a bad config prints its problems and
 * exits 1, without a stack trace. On success stdout gets Java's boot line; logs go to stderr.
 * SIGINT / SIGTERM shut the server down cleanly.
 */
import { Command } from 'commander';
import { formatConfig, readPropertiesFile, type ConfigEntry } from '../config/index.js';
import { createLogger } from '../log/index.js';
import { loadNamesrvConfig, NameServer, NamesrvConfigSchema, type NamesrvConfig } from '../namesrv/index.js';
import { exitWithError, runUntilSignal } from './lifecycle.js';

interface Options {
  readonly configFile?: string;
  readonly printConfigItem?: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const program = new Command('mqnamesrv')
    .description('RocketMQ name server')
    .option('-c, --configFile <file>', 'Name server config properties file')
    .option('-p, --printConfigItem', 'Print all config items')
    .helpOption('-h, --help', 'Print help')
    .allowExcessArguments(false);
  program.parse(argv);
  return program.opts<Options>();
}

async function loadConfig(options: Options): Promise<NamesrvConfig> {
  let entries: ConfigEntry[] = [];
  if (options.configFile !== undefined) {
    entries = await readPropertiesFile(options.configFile);
    process.stdout.write(`load config properties file OK, ${options.configFile}\n`);
  }
  const loaded = loadNamesrvConfig(entries);
  for (const warning of loaded.warnings) process.stderr.write(`warning: ${warning}\n`);
  return loaded.config;
}

async function main(argv: readonly string[]): Promise<void> {
  const options = parseArgs(argv);
  const config = await loadConfig(options);
  if (options.printConfigItem === true) {
    process.stdout.write(`${formatConfig(NamesrvConfigSchema, config)}\n`);
    return;
  }
  await runUntilSignal('mqnamesrv', async () => {
    const server = new NameServer({ config, logger: createLogger({ destination: 2 }) });
    await server.start();
    process.stdout.write(`The Name Server boot success. serializeType=JSON, address ${config.bindAddress}:${server.port}\n`);
    return server;
  });
}

main(process.argv).catch((error: unknown) => exitWithError('mqnamesrv', error));
