/** broker/: the RocketMQ broker: handlers over the store, client managers, name server registration. */
export { Broker, parseNamesrvAddr, type BrokerOptions } from './broker.js';
export { BrokerConfigSchema, loadBrokerConfig, localIPv4, UNSUPPORTED_BROKER_KEYS, type BrokerConfig, type BrokerConfigs } from './config.js';
export type { BrokerContext } from './context.js';
export { BrokerError } from './errors.js';
