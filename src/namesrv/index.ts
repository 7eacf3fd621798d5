/** namesrv/: the NameServer: broker registry and topic routes (RocketMQ's namesrv module). */
export { NameServer, type NameServerOptions } from './namesrv.js';
export {
  loadNamesrvConfig,
  namesrvConfig,
  NamesrvConfigSchema,
  NAMESRV_UNSUPPORTED_KEYS,
  type NamesrvConfig,
} from './config.js';
export { KVConfigError } from './kv-config.js';
