/**
 * store/: the message store: CommitLog, ConsumeQueues, recovery and checkpoint. The broker uses
 * only what this file exports: the MessageStore contract, the store's config schema, and
 * createMessageStore().
 */
export type * from './message-store.js';
export {
  StoreConfigSchema,
  STORE_CONFIG_ALIASES,
  UNSUPPORTED_STORE_KEYS,
  checkStoreConfig,
  storeConfigWith,
  storePaths,
  type StoreConfig,
  type StorePaths,
} from './config.js';
export { createMessageStore, type CreateMessageStoreOptions } from './default-message-store.js';
export { joinRecords } from './get-message.js';
export type { StoreFile, StoreFileSystem } from './file/store-file.js';
export { nodeFileSystem } from './file/node-file.js';
