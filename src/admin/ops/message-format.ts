/**
 * message-format.ts: how RocketMQ's message tools print a message, reproduced byte for byte:
 * MessageExt.toString() (printMsg's "MSGID: ... BODY: ..." line), a HashMap's toString() in
 * HashMap iteration order (the properties), InetSocketAddress.toString(), Arrays.toString(byte[]),
 * UtilAll.timeMillisToHumanString2 and the queryMsgById block with its field labels.
 * Pure: no I/O.
 */
import { javaStringHashCode } from '../../message/index.js';
import { javaFormat } from '../java-format.js';

/** What the tools print of a message (Java's MessageExt as a client decodes it). */
export interface PrintableMessage {
  readonly topic: string;
  readonly body: Buffer;
  readonly flag: number;
  readonly properties: Readonly<Record<string, string>>;
  readonly msgId: string;
  readonly offsetMsgId: string;
  readonly brokerName: string | undefined;
  readonly queueId: number;
  readonly storeSize: number;
  readonly queueOffset: number;
  readonly sysFlag: number;
  readonly bornTimestamp: number;
  readonly bornHost: string;
  readonly storeTimestamp: number;
  readonly storeHost: string;
  readonly commitLogOffset: number;
  readonly bodyCRC: number;
  readonly reconsumeTimes: number;
  readonly preparedTransactionOffset: number;
  readonly tags: string | undefined;
  readonly keys: string | undefined;
}

/** HashMap's initial capacity in MessageDecoder.string2messageProperties. */
const PROPERTIES_MAP_CAPACITY = 128;

/** The table size a HashMap(initial) reaches after `size` puts (load factor 0.75). */
function hashMapCapacity(initial: number, size: number): number {
  let capacity = initial;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/**
 * Java's HashMap.toString() of these entries put in this order: "{k=v, k=v}", iterated bucket by
 * bucket ((h ^ h >>> 16) & (n - 1)), entries of one bucket in insertion order.
 */
export function javaHashMapToString(entries: readonly (readonly [string, string])[], initialCapacity = PROPERTIES_MAP_CAPACITY): string {
  const capacity = hashMapCapacity(initialCapacity, entries.length);
  const bucketOf = (key: string): number => {
    const h = javaStringHashCode(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  const ordered = entries.map((entry, index) => ({ entry, index, bucket: bucketOf(entry[0]) })).sort((a, b) => a.bucket - b.bucket || a.index - b.index);
  return `{${ordered.map(({ entry }) => `${entry[0]}=${entry[1]}`).join(', ')}}`;
}

/** Arrays.toString(byte[]): signed bytes. */
export function javaBytesToString(bytes: Buffer): string {
  const values: number[] = [];
  for (const byte of bytes) values.push(byte > 127 ? byte - 256 : byte);
  return `[${values.join(', ')}]`;
}

/** UtilAll.timeMillisToHumanString2: "yyyy-MM-dd HH:mm:ss,SSS" in local time. */
export function timeMillisToHumanString2(ms: number): string {
  const date = new Date(ms);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${String(date.getFullYear()).padStart(4, '0')}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())},${String(date.getMilliseconds()).padStart(3, '0')}`;
}

/** InetSocketAddress.toString() of an address without a host name: "/ip:port". */
function socketAddressToString(address: string): string {
  return `/${address}`;
}

/** Message.toString(). */
function messageToString(message: PrintableMessage): string {
  // processPullResult sets transactionId to UNIQ_KEY on prepared transactional messages only.
  const transactionId = message.properties['TRAN_MSG'] === 'true' ? (message.properties['UNIQ_KEY'] ?? 'null') : 'null';
  return `Message{topic='${message.topic}', flag=${message.flag}, properties=${javaHashMapToString(Object.entries(message.properties))}, body=${javaBytesToString(message.body)}, transactionId='${transactionId}'}`;
}

/** MessageExt.toString() of a message a client decoded (msgId there is the offset message id). */
export function messageExtToString(message: PrintableMessage): string {
  return (
    `MessageExt [brokerName=${message.brokerName ?? 'null'}, queueId=${message.queueId}, storeSize=${message.storeSize}, queueOffset=${message.queueOffset}` +
    `, sysFlag=${message.sysFlag}, bornTimestamp=${message.bornTimestamp}, bornHost=${socketAddressToString(message.bornHost)}` +
    `, storeTimestamp=${message.storeTimestamp}, storeHost=${socketAddressToString(message.storeHost)}, msgId=${message.offsetMsgId}` +
    `, commitLogOffset=${message.commitLogOffset}, bodyCRC=${message.bodyCRC}, reconsumeTimes=${message.reconsumeTimes}` +
    `, preparedTransactionOffset=${message.preparedTransactionOffset}, toString()=${messageToString(message)}]`
  );
}

/** printMsg's line for one message (PrintMessageSubCommand.printMessage). */
export function printMessageLine(message: PrintableMessage, body: string | undefined): string {
  return `MSGID: ${message.msgId} ${messageExtToString(message)} BODY: ${body ?? 'NOT PRINT BODY'}`;
}

/**
 * The field lines of QueryMsgByIdSubCommand.printMsg (with the OffsetID line) and of
 * QueryMsgByUniqueKeySubCommand.showMessage (without it), up to "Message Body Path:".
 */
export function messageBlockLines(message: PrintableMessage, bodyPath: string, withOffsetId: boolean): string[] {
  const text = (label: string, value: string): string => javaFormat('%-20s %s', label, value);
  const int = (label: string, value: number): string => javaFormat('%-20s %d', label, value);
  const lines = withOffsetId ? [text('OffsetID:', message.offsetMsgId)] : [];
  lines.push(
    text('Topic:', message.topic),
    text('Tags:', `[${message.tags ?? 'null'}]`),
    text('Keys:', `[${message.keys ?? 'null'}]`),
    int('Queue ID:', message.queueId),
    int('Queue Offset:', message.queueOffset),
    int('CommitLog Offset:', message.commitLogOffset),
    int('Reconsume Times:', message.reconsumeTimes),
    text('Born Timestamp:', timeMillisToHumanString2(message.bornTimestamp)),
    text('Store Timestamp:', timeMillisToHumanString2(message.storeTimestamp)),
    text('Born Host:', message.bornHost),
    text('Store Host:', message.storeHost),
    int('System Flag:', message.sysFlag),
    text('Properties:', javaHashMapToString(Object.entries(message.properties))),
    text('Message Body Path:', bodyPath),
  );
  return lines;
}

/**
 * PrintMessageSubCommand.timestampFormat: ms since the epoch, or "yyyy-MM-dd#HH:mm:ss:SSS" in
 * local time; undefined when it is neither.
 */
export function parseToolTimestamp(value: string): number | undefined {
  const text = value.trim();
  if (/^-?\d+$/.test(text)) {
    const number = Number(text);
    return Number.isSafeInteger(number) ? number : undefined;
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})#(\d{2}):(\d{2}):(\d{2}):(\d{3})$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second, ms] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(year, month - 1, day, hour, minute, second, ms);
  return date.getMonth() === month - 1 && date.getDate() === day ? date.getTime() : undefined;
}

/** fastjson's JSON.toJSONString(value, true): tab-indented, keys sorted, no space after ':'. */
export function fastJsonPretty(value: unknown, depth = 0): string {
  const indent = '\t'.repeat(depth + 1);
  const close = '\t'.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => indent + fastJsonPretty(item, depth + 1)).join(',\n')}\n${close}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([key, item]) => `${indent}${JSON.stringify(key)}:${fastJsonPretty(item, depth + 1)}`).join(',\n')}\n${close}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}
