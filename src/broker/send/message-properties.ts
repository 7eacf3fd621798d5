/**
 * message-properties.ts: what the broker adds to a message's properties before storing it
 * (SendMessageProcessor.sendMessage): a UNIQ_KEY when the client set none (ali-ons never does)
 * and CLUSTER. Properties are edited as text: decoding the whole map per message is wasted work
 * on the send path, and a rare overwrite goes through the full codec.
 */
import {
  decodeProperties,
  encodeProperties,
  findProperties,
  findProperty,
  MessageConst,
  NAME_VALUE_SEPARATOR,
  PROPERTY_SEPARATOR,
  type UniqueIdGenerator,
} from '../../message/index.js';
import type { Clock } from '../../time/index.js';

/** Sets `name` to `value` in a properties string, replacing an existing value. */
export function withProperty(properties: string, name: string, value: string): string {
  if (findProperty(properties, name) === undefined) return appendProperty(properties, name, value);
  const map = decodeProperties(properties);
  map.set(name, value);
  return encodeProperties(map);
}

/** Appends `name` = `value` to a properties string that does not hold `name`. */
function appendProperty(properties: string, name: string, value: string): string {
  const separator = properties.length === 0 || properties.endsWith(PROPERTY_SEPARATOR) ? '' : PROPERTY_SEPARATOR;
  return properties + separator + name + NAME_VALUE_SEPARATOR + value + PROPERTY_SEPARATOR;
}

export interface PreparedProperties {
  readonly properties: string;
  readonly uniqKey: string;
  readonly tags: string | undefined;
  /** TRAN_MSG is "true" (any case): a transactional half message, as Java checks the property. */
  readonly transactionPrepared: boolean;
}

/** The properties prepareProperties reads, in one pass (findProperties), into a reused array. */
const READ = [MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, MessageConst.CLUSTER, MessageConst.TAGS, MessageConst.TRANSACTION_PREPARED] as const;
const found: (string | undefined)[] = [undefined, undefined, undefined, undefined];

/** Adds UNIQ_KEY (a new one from `uniqueIds` when missing) and CLUSTER; reads TAGS and TRAN_MSG. */
export function prepareProperties(original: string, clusterName: string, uniqueIds: UniqueIdGenerator, clock: Clock): PreparedProperties {
  findProperties(original, READ, found);
  const [foundUniqKey, foundCluster, tags, transaction] = found;
  let properties = original;
  let uniqKey = foundUniqKey;
  if (uniqKey === undefined || uniqKey.length === 0) {
    uniqKey = uniqueIds.next(clock.now());
    properties = withProperty(properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, uniqKey);
  }
  properties = foundCluster === undefined ? appendProperty(properties, MessageConst.CLUSTER, clusterName) : withProperty(properties, MessageConst.CLUSTER, clusterName);
  return { properties, uniqKey, tags, transactionPrepared: transaction?.toLowerCase() === 'true' };
}
