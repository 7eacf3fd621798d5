/**
 * message.ts: the client's message model with RocketMQ's names: Message (what a producer sends),
 * MessageExt (what a consumer receives), MessageQueue (topic, brokerName, queueId).
 *
 * A Message keeps its properties in a Map, as Java's Message does; the constructor sets TAGS, KEYS
 * and WAIT=true in Java's order, so the properties string on the wire is what a Java client sends.
 * User properties may not use a name RocketMQ reserves (MessageConst.STRING_HASH_SET), and no name
 * or value may hold the two separator characters of the properties string.
 */
import { KEY_SEPARATOR, MessageConst, NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from '../message/index.js';
import { illegalArgument } from './errors.js';

const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set(Object.values(MessageConst));

export interface MessageInit {
  readonly topic: string;
  readonly body: Buffer | Uint8Array | string;
  readonly tags?: string | undefined;
  /** One key or several; several go into KEYS joined by a space. */
  readonly keys?: string | readonly string[] | undefined;
  /** User properties; names RocketMQ reserves are refused. */
  readonly properties?: Readonly<Record<string, string>> | undefined;
  /** Delay level 1..18 of the broker's messageDelayLevel table (DELAY). */
  readonly delayLevel?: number | undefined;
  /** Absolute delivery time, ms since the epoch (TIMER_DELIVER_MS, RocketMQ 5 timer messages). */
  readonly deliverTimeMs?: number | undefined;
  /** The user flag stored with the message. */
  readonly flag?: number | undefined;
  /** WAIT: whether the broker answers only once the message is stored (flushed, replicated). Default true. */
  readonly waitStoreMsgOK?: boolean | undefined;
}

function checkPropertyText(what: string, text: string): void {
  if (text.includes(NAME_VALUE_SEPARATOR) || text.includes(PROPERTY_SEPARATOR)) {
    throw illegalArgument(`the ${what} "${text}" holds \\u0001 or \\u0002, which separate message properties`);
  }
}

export class Message {
  topic: string;
  body: Buffer;
  flag: number;
  /** Every property, system and user, as it goes on the wire. */
  readonly properties = new Map<string, string>();

  constructor(init: MessageInit) {
    this.topic = init.topic;
    this.body = typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.isBuffer(init.body) ? init.body : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength);
    this.flag = init.flag ?? 0;
    if (init.tags !== undefined && init.tags.length > 0) this.setSystemProperty(MessageConst.TAGS, init.tags);
    const keys = typeof init.keys === 'string' ? init.keys : init.keys?.join(KEY_SEPARATOR);
    if (keys !== undefined && keys.length > 0) this.setSystemProperty(MessageConst.KEYS, keys);
    this.properties.set(MessageConst.WAIT_STORE_MSG_OK, String(init.waitStoreMsgOK ?? true));
    if (init.delayLevel !== undefined) {
      if (!Number.isInteger(init.delayLevel) || init.delayLevel < 0) throw illegalArgument(`delayLevel ${init.delayLevel} is not a level (1..18)`);
      if (init.delayLevel > 0) this.properties.set(MessageConst.DELAY_TIME_LEVEL, String(init.delayLevel));
    }
    if (init.deliverTimeMs !== undefined) {
      if (!Number.isSafeInteger(init.deliverTimeMs) || init.deliverTimeMs < 0) throw illegalArgument(`deliverTimeMs ${init.deliverTimeMs} is not a time in ms`);
      this.properties.set(MessageConst.TIMER_DELIVER_MS, String(init.deliverTimeMs));
    }
    if (init.properties !== undefined) for (const [name, value] of Object.entries(init.properties)) this.putUserProperty(name, value);
  }

  get tags(): string | undefined {
    return this.properties.get(MessageConst.TAGS);
  }

  get keys(): string | undefined {
    return this.properties.get(MessageConst.KEYS);
  }

  /** UNIQ_KEY, set by the producer on the first send: the msgId consumers see. */
  get msgId(): string | undefined {
    return this.properties.get(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  }

  getProperty(name: string): string | undefined {
    return this.properties.get(name);
  }

  /** Adds a user property (Message.putUserProperty): reserved names and blank values are refused. */
  putUserProperty(name: string, value: string): void {
    if (RESERVED_PROPERTY_NAMES.has(name)) throw illegalArgument(`The Property<${name}> is used by system, input another please`);
    if (typeof value !== 'string' || value.trim().length === 0 || name.trim().length === 0) {
      throw illegalArgument('The name or value of property can not be null or blank string!');
    }
    checkPropertyText('property name', name);
    checkPropertyText('property value', value);
    this.properties.set(name, value);
  }

  private setSystemProperty(name: string, value: string): void {
    checkPropertyText(name, value);
    this.properties.set(name, value);
  }
}

/** A queue of a topic on one broker. Immutable; `key` identifies it in maps. */
export class MessageQueue {
  declare readonly key: string;

  constructor(
    readonly topic: string,
    readonly brokerName: string,
    readonly queueId: number,
  ) {
    // Not enumerable: a queue prints, compares (deepEqual) and serialises as its three fields.
    Object.defineProperty(this, 'key', { value: `${topic}\u0000${brokerName}\u0000${queueId}`, enumerable: false });
    Object.freeze(this);
  }

  static from(queue: MessageQueueLike): MessageQueue {
    return queue instanceof MessageQueue ? queue : new MessageQueue(queue.topic, queue.brokerName, queue.queueId);
  }

  /** Java's MessageQueue.compareTo: topic, then brokerName (UTF-16 order), then queueId. */
  static compare(a: MessageQueueLike, b: MessageQueueLike): number {
    if (a.topic !== b.topic) return a.topic < b.topic ? -1 : 1;
    if (a.brokerName !== b.brokerName) return a.brokerName < b.brokerName ? -1 : 1;
    return a.queueId - b.queueId;
  }

  equals(other: MessageQueueLike): boolean {
    return this.topic === other.topic && this.brokerName === other.brokerName && this.queueId === other.queueId;
  }

  /** Java's MessageQueue.toString(); ConsistentHash hashes this text. */
  toString(): string {
    return `MessageQueue [topic=${this.topic}, brokerName=${this.brokerName}, queueId=${this.queueId}]`;
  }

  toJSON(): { topic: string; brokerName: string; queueId: number } {
    return { topic: this.topic, brokerName: this.brokerName, queueId: this.queueId };
  }
}

export interface MessageQueueLike {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
}

/** A received message (Java's MessageExt). `body` is decompressed; `topic` is the original topic of a retry. */
export interface MessageExt {
  readonly topic: string;
  readonly body: Buffer;
  readonly tags: string | undefined;
  readonly keys: string | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** UNIQ_KEY when the producer set one, else the offset message id (MessageClientExt.getMsgId). */
  readonly msgId: string;
  /** Store host and CommitLog offset as hex (VIEW_MESSAGE_BY_ID takes it). */
  readonly offsetMsgId: string;
  readonly brokerName: string;
  readonly queueId: number;
  readonly queueOffset: number;
  readonly commitLogOffset: number;
  readonly reconsumeTimes: number;
  readonly bornTimestamp: number;
  readonly storeTimestamp: number;
  /** "ip:port" of the producer. */
  readonly bornHost: string;
  /** "ip:port" of the broker that stored it. */
  readonly storeHost: string;
  readonly sysFlag: number;
  readonly flag: number;
  readonly bodyCRC: number;
  readonly preparedTransactionOffset: number;
}
