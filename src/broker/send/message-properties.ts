/**
 * message-properties.ts: what the broker adds to a message's properties before storing it
 * (SendMessageProcessor.sendMessage): a UNIQ_KEY when the client set none (ali-ons never does)
 * and CLUSTER. Properties are edited as text: decoding the whole map per message is wasted work
 * on the send path, and a rare overwrite goes through the full codec.
 */
import {
  decodeProperties,
  encodeProperties,
  findProperty,
  MessageConst,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
} from '../../message/index.js';

/** Sets `name` to `value` in a properties string, replacing an existing value. */
export function withProperty(properties: string, name: string, value: string): string {
  if (findProperty(properties, name) === undefined) {
    const separator = properties.length === 0 || properties.endsWith(PROPERTY_SEPARATOR) ? '' : PROPERTY_SEPARATOR;
    return properties + separator + name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
  }
  const map = decodeProperties(properties);
  map.set(name, value);
  return encodeProperties(map);
}

export interface PreparedProperties {
  readonly properties: string;
  readonly uniqKey: string;
  readonly tags: string | undefined;
}

/** Adds UNIQ_KEY (from `newUniqKey` when missing) and CLUSTER; reads TAGS. */
export function prepareProperties(original: string, clusterName: string, newUniqKey: () => string): PreparedProperties {
  let properties = original;
  let uniqKey = findProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (uniqKey === undefined || uniqKey.length === 0) {
    uniqKey = newUniqKey();
    properties = withProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
  }
  properties = withProperty(properties, MessageConst.CLUSTER, clusterName);
  return { properties, uniqKey, tags: findProperty(properties, MessageConst.TAGS) };
}

/** True when the message is a transactional half message (the property, as Java checks). */
export function isTransactionPrepared(properties: string): boolean {
  return findProperty(properties, MessageConst.TRANSACTION_PREPARED)?.toLowerCase() === 'true';
}
