/**
 * broker-options.ts: where a broker's configuration comes from, as RocketMQ's BrokerStartup:
 * NAMESRV_ADDR is the default name server list, the -c file overrides it, -n overrides both.
 */
import { ConfigError, readPropertiesFile, type ConfigEntry } from '../config/index.js';
import { parseNamesrvAddr } from '../broker/index.js';

const NAMESRV_ADDRESS = /^[^:;\s]+:\d{1,5}$/;

/** Checks namesrvAddr as BrokerStartup does. */
export function checkNamesrvAddr(text: string): void {
  const bad = parseNamesrvAddr(text).filter((address) => !NAMESRV_ADDRESS.test(address));
  if (bad.length > 0) {
    throw new ConfigError([`The Name Server Address[${text}] illegal, please set it as follows, "127.0.0.1:9876;192.168.0.1:9876"`]);
  }
}

/** Config entries from NAMESRV_ADDR, then the file, then -n. */
export async function brokerEntries(options: { configFile?: string; namesrvAddr?: string }): Promise<ConfigEntry[]> {
  const entries: ConfigEntry[] = [];
  const fromEnv = process.env['NAMESRV_ADDR'];
  if (fromEnv) entries.push({ key: 'namesrvAddr', value: fromEnv, source: 'NAMESRV_ADDR' });
  // As BrokerStartup: runtime config updates go back to the -c file (unless it names another).
  if (options.configFile) entries.push({ key: 'brokerConfigPath', value: options.configFile, source: '-c' }, ...(await readPropertiesFile(options.configFile)));
  if (options.namesrvAddr) entries.push({ key: 'namesrvAddr', value: options.namesrvAddr, source: '-n' });
  return entries;
}
