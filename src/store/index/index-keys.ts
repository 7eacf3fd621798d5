/**
 * index-keys.ts: which keys of a stored message go into the IndexFiles (IndexService.buildIndex):
 * its UNIQ_KEY and each word of its KEYS property (separated by spaces), each as "topic#key";
 * nothing for a rolled-back transaction message. Pure.
 *
 * This runs for every stored message, so it reads the properties string once and hashes
 * "topic#key" without building it (String.hashCode continued over the key's characters); the
 * result equals indexKeyHash(buildIndexKey(topic, key)) (index-layout.ts).
 */
import { KEY_SEPARATOR, MessageConst, MessageSysFlag, transactionType } from '../../message/index.js';

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

const NAME_VALUE_SEPARATOR = 1;
const PROPERTY_SEPARATOR = '\u0002';
const SPACE = KEY_SEPARATOR.charCodeAt(0);
const HASH_CHAR = '#'.charCodeAt(0);

/**
 * The index key hashes of `message` (UNIQ_KEY first, then each KEYS word); empty when it has
 * none. They are put in `out` (emptied first), so a caller indexing many messages reuses one array.
 */
export function indexKeyHashes(message: IndexableMessage, out: number[] = []): number[] {
  out.length = 0;
  const properties = message.properties;
  if (properties === undefined || properties.length === 0) return out;
  if (transactionType(message.sysFlag ?? 0) === MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) return out;
  const { uniqKey, keys } = findKeyProperties(properties);
  if (uniqKey === undefined && keys === undefined) return out;
  const prefix = (Math.imul(hashOver(0, message.topic, 0, message.topic.length), 31) + HASH_CHAR) | 0;
  if (uniqKey !== undefined) out.push(finish(hashOver(prefix, uniqKey, 0, uniqKey.length)));
  if (keys !== undefined) {
    let start = 0;
    for (let at = 0; at <= keys.length; at++) {
      if (at < keys.length && keys.charCodeAt(at) !== SPACE) continue;
      if (at > start) out.push(finish(hashOver(prefix, keys, start, at)));
      start = at + 1;
    }
  }
  return out;
}

/** Whether a stored message carries `key` as its UNIQ_KEY or one of its KEYS. */
export function hasIndexKey(properties: string, key: string): boolean {
  const { uniqKey, keys } = findKeyProperties(properties);
  return uniqKey === key || (keys !== undefined && keys.split(KEY_SEPARATOR).includes(key));
}

/** UNIQ_KEY and KEYS in one pass; a later duplicate wins and an empty value counts as absent (findProperty's rules). */
function findKeyProperties(properties: string): { uniqKey: string | undefined; keys: string | undefined } {
  let uniqKey: string | undefined;
  let keys: string | undefined;
  let index = 0;
  while (index < properties.length) {
    let end = properties.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = properties.length;
    const value = valueOf(properties, index, end, MessageConst.KEYS);
    if (value !== undefined) keys = value;
    else {
      const uniq = valueOf(properties, index, end, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
      if (uniq !== undefined) uniqKey = uniq;
    }
    index = end + 1;
  }
  return { uniqKey, keys };
}

/** The value of the property [from, end) when it is named `name` and not empty. */
function valueOf(properties: string, from: number, end: number, name: string): string | undefined {
  const separator = from + name.length;
  if (separator >= end - 1 || properties.charCodeAt(separator) !== NAME_VALUE_SEPARATOR || !properties.startsWith(name, from)) return undefined;
  return properties.substring(separator + 1, end);
}

/** String.hashCode continued from `hash` over text[from, to). */
function hashOver(hash: number, text: string, from: number, to: number): number {
  let value = hash;
  for (let at = from; at < to; at++) value = (Math.imul(value, 31) + text.charCodeAt(at)) | 0;
  return value;
}

/** IndexFile.indexKeyHashMethod: abs, with Integer.MIN_VALUE as 0. */
function finish(hash: number): number {
  return hash === -2147483648 ? 0 : Math.abs(hash);
}
