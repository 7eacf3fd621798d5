/**
 * received-message.ts: a pull response body turned into messages (MessageDecoder.decodesBatch and
 * PullAPIWrapper.processPullResult): each record decoded, its body inflated when compressed, tag
 * subscriptions filtered again on the client (the broker filters by hash only), and MIN_OFFSET /
 * MAX_OFFSET of the pull added to the properties. Decoding stops at the first record that is not a
 * whole message, as Java's does.
 */
import { createOffsetMessageId, decodePropertiesRecord, decodeRecord, findProperty, formatSocketAddress, MessageConst, MessageSysFlag, type MessageRecord } from '../../message/index.js';
import type { SubscriptionData } from '../../protocol/index.js';
import { decompressBody } from '../compression.js';
import type { MessageExt, MessageQueue } from '../message.js';
import { filtersTags, matchesTags } from './subscription.js';

/** The record's properties text and what a pull adds to it (MIN_OFFSET, MAX_OFFSET), decoded when first read. */
export class PulledProperties {
  constructor(
    readonly text: string,
    readonly minOffset: string,
    readonly maxOffset: string,
  ) {}
}

/**
 * A received message; the consumer may change topic (retry → original) and reconsumeTimes.
 * A pulled message keeps its properties as the record's text until `properties` is first read
 * (many listeners never do): getProperty(), tags, keys and msgId find one property in the text.
 */
export class ReceivedMessage implements MessageExt {
  /** When a listener started on it (ms), for consumeTimeout; 0 before. */
  consumeStartTime = 0;
  private decoded: Record<string, string> | undefined;
  private readonly pulled: PulledProperties | undefined;

  /** `offsetMsgId` undefined: formatted from the record when first read (most listeners never do). */
  constructor(
    public topic: string,
    readonly body: Buffer,
    properties: Readonly<Record<string, string>> | PulledProperties,
    readonly record: Omit<MessageRecord, 'body' | 'topic' | 'properties'>,
    readonly brokerName: string,
    private offsetId: string | undefined,
    public reconsumeTimes: number,
  ) {
    if (properties instanceof PulledProperties) this.pulled = properties;
    else this.decoded = properties as Record<string, string>;
  }

  get properties(): Readonly<Record<string, string>> {
    if (this.decoded === undefined) {
      const pulled = this.pulled as PulledProperties;
      const decoded = decodePropertiesRecord(pulled.text);
      decoded[MessageConst.MIN_OFFSET] = pulled.minOffset;
      decoded[MessageConst.MAX_OFFSET] = pulled.maxOffset;
      this.decoded = decoded;
    }
    return this.decoded;
  }

  /** One property, without decoding them all. */
  getProperty(name: string): string | undefined {
    const pulled = this.pulled;
    if (this.decoded !== undefined || pulled === undefined) return this.properties[name];
    if (name === MessageConst.MIN_OFFSET) return pulled.minOffset;
    if (name === MessageConst.MAX_OFFSET) return pulled.maxOffset;
    return findProperty(pulled.text, name);
  }

  get offsetMsgId(): string {
    this.offsetId ??= createOffsetMessageId(this.record.storeHost, this.record.commitLogOffset);
    return this.offsetId;
  }

  get tags(): string | undefined {
    return this.getProperty(MessageConst.TAGS);
  }

  get keys(): string | undefined {
    return this.getProperty(MessageConst.KEYS);
  }

  get msgId(): string {
    return this.getProperty(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? this.offsetMsgId;
  }

  get queueId(): number {
    return this.record.queueId;
  }

  get queueOffset(): number {
    return this.record.queueOffset;
  }

  get commitLogOffset(): number {
    return this.record.commitLogOffset;
  }

  get bornTimestamp(): number {
    return this.record.bornTimestamp;
  }

  get storeTimestamp(): number {
    return this.record.storeTimestamp;
  }

  get bornHost(): string {
    return formatSocketAddress(this.record.bornHost);
  }

  get storeHost(): string {
    return formatSocketAddress(this.record.storeHost);
  }

  get sysFlag(): number {
    return this.record.sysFlag;
  }

  get flag(): number {
    return this.record.flag;
  }

  get bodyCRC(): number {
    return this.record.bodyCrc;
  }

  get preparedTransactionOffset(): number {
    return this.record.preparedTransactionOffset;
  }

  toJSON(): Record<string, unknown> {
    return { topic: this.topic, msgId: this.msgId, queueId: this.queueId, queueOffset: this.queueOffset, reconsumeTimes: this.reconsumeTimes, properties: this.properties };
  }
}

export interface PullRange {
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly offsetDelta?: number | undefined;
}

/** The messages of one FOUND pull of `queue`, filtered by `subscription`. */
export async function decodePulledMessages(body: Buffer, queue: MessageQueue, range: PullRange, subscription: SubscriptionData): Promise<ReceivedMessage[]> {
  const messages: ReceivedMessage[] = [];
  const minOffset = String(range.minOffset);
  const maxOffset = String(range.maxOffset);
  const tagged = filtersTags(subscription);
  let position = 0;
  while (position < body.length) {
    const decoded = decodeRecord(body, position);
    if (decoded.kind !== 'MESSAGE') break;
    position += decoded.message.size;
    // Per message, so no copies of the record: it is kept as decoded unless its queue fields need fixing.
    const record = decoded.message;
    if (tagged && !matchesTags(subscription, findProperty(record.properties, MessageConst.TAGS))) continue;
    const properties = new PulledProperties(record.properties, minOffset, maxOffset);
    const delta = range.offsetDelta ?? 0;
    const fixed = record.queueId === queue.queueId && delta === 0 ? record : { ...record, queueId: queue.queueId, queueOffset: record.queueOffset + delta };
    // A body that does not inflate is handed over as stored (sysFlag still says compressed)
    // rather than dropped with the rest of the pull, as Java's decoder would.
    const stored = record.body;
    const messageBody = (record.sysFlag & MessageSysFlag.COMPRESSED_FLAG) === 0 ? stored : await decompressBody(stored, record.sysFlag).catch(() => stored);
    messages.push(new ReceivedMessage(record.topic, messageBody, properties, fixed, queue.brokerName, undefined, record.reconsumeTimes));
  }
  return messages;
}
