/**
 * index-keys.ts: which keys of a stored message go into the IndexFiles (IndexService.buildIndex):
 * its UNIQ_KEY and each word of its KEYS property (separated by spaces), each as "topic#key";
 * nothing for a rolled-back transaction message. Pure.
 */
import { findProperty, KEY_SEPARATOR, MessageConst, MessageSysFlag, transactionType } from '../../message/index.js';
import { buildIndexKey } from './index-layout.js';

/** What indexing needs of a stored message. */
export interface IndexableMessage {
  readonly topic: string;
  readonly commitLogOffset: number;
  readonly size: number;
  readonly storeTimestamp: number;
  /** The record's properties string; absent: nothing to index. */
  readonly properties?: string;
  readonly sysFlag?: number;
}

/** The "topic#key" strings to index for `message`, UNIQ_KEY first. */
export function indexKeysOf(message: IndexableMessage): string[] {
  const properties = message.properties;
  if (properties === undefined || properties.length === 0) return [];
  if (transactionType(message.sysFlag ?? 0) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return [];
  const out: string[] = [];
  const uniqKey = findProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (uniqKey !== undefined) out.push(buildIndexKey(message.topic, uniqKey));
  const keys = findProperty(properties, MessageConst.KEYS);
  if (keys !== undefined) {
    for (const key of keys.split(KEY_SEPARATOR)) if (key.length > 0) out.push(buildIndexKey(message.topic, key));
  }
  return out;
}

/** Whether a stored message carries `key` as its UNIQ_KEY or one of its KEYS. */
export function hasIndexKey(properties: string, key: string): boolean {
  if (findProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) === key) return true;
  const keys = findProperty(properties, MessageConst.KEYS);
  return keys !== undefined && keys.split(KEY_SEPARATOR).includes(key);
}
