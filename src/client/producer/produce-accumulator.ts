/**
 * produce-accumulator.ts: the producer's autoBatch (RocketMQ 5's ProduceAccumulator). send() calls
 * that may share a batch wait here, grouped by topic, target queue (none for the default route),
 * tags and waitStoreMsgOK; a group goes out as one SEND_BATCH_MESSAGE once its bodies pass
 * batchMaxBytes or its first message has waited batchMaxDelayMs, and each caller gets its own
 * SendResult: its msgId, the broker's offset message id at its place, queueOffset + its index.
 *
 * What Java sends alone, we send alone: a delay or timer message, a retry-topic message, one that
 * names its producer group (transactions), and any message while totalBatchMaxBytes of bodies are
 * held in batches not yet answered (the bound on what this holds). A send with its own timeout or
 * a selector is never given to the accumulator (Producer decides). One difference from Java: a
 * group of a single message is sent as a plain SEND_MESSAGE_V2, so a lone message (a slow producer)
 * still has its body compressed and costs the broker no batch decoding; its result is the same.
 *
 * Invariants: a message is in at most one group; a group leaves the table when it is sent; every
 * caller's promise settles exactly once (with the batch's outcome); `heldBytes` is the sum of the
 * bodies of unsent groups and unanswered batches.
 * Must not: touch the network itself (the sender does).
 */
import { isRetryTopic, MessageConst } from '../../message/index.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import type { Message } from '../message.js';
import type { SendResult, SendTarget } from './send-path.js';

export interface AccumulatorSettings {
  readonly batchMaxDelayMs: number;
  readonly batchMaxBytes: number;
  readonly totalBatchMaxBytes: number;
}

/** How a group goes out: several as one batch, a single message as a plain send. */
export interface BatchSender {
  sendBatch(messages: readonly Message[], target: SendTarget): Promise<SendResult>;
  sendOne(message: Message, target: SendTarget): Promise<SendResult>;
}

export interface AccumulatorTimers {
  readonly now: () => number;
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

const NODE_TIMERS: AccumulatorTimers = {
  now: Date.now,
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Properties that make a message go alone (delays and timers, a named producer group, a half message). */
const ALONE_PROPERTIES = [
  MessageConst.DELAY_TIME_LEVEL,
  MessageConst.TIMER_DELAY_MS,
  MessageConst.TIMER_DELAY_SEC,
  MessageConst.TIMER_DELIVER_MS,
  MessageConst.PRODUCER_GROUP,
  MessageConst.TRANSACTION_PREPARED,
] as const;

/** Messages waiting to go out together, with their callers' settle functions (parallel arrays). */
class Group {
  readonly messages: Message[] = [];
  readonly resolves: ((result: SendResult) => void)[] = [];
  readonly rejects: ((error: unknown) => void)[] = [];
  bytes = 0;
  timer: unknown;

  constructor(
    readonly key: string,
    readonly target: SendTarget,
    readonly createdAt: number,
  ) {}
}

/**
 * Each message's SendResult from its batch's (Java's splitSendResults): the offset message ids
 * joined by commas are split; without a comma (a batch ConsumeQueue answers one id) every message
 * gets the batch's result, as Java gives it. Throws when the ids do not match the messages.
 */
export function splitBatchResult(result: SendResult, messages: readonly Message[]): SendResult[] {
  if (!result.offsetMsgId.includes(',')) return messages.map(() => result);
  const offsetMsgIds = result.offsetMsgId.split(',');
  if (offsetMsgIds.length !== messages.length) {
    throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, `sendResult is illegal: ${offsetMsgIds.length} offset message ids for a batch of ${messages.length}`, { retriable: false });
  }
  return messages.map((message, index) => ({
    ...result,
    msgId: message.msgId ?? '',
    offsetMsgId: offsetMsgIds[index] as string,
    queueOffset: result.queueOffset + index,
  }));
}

export class ProduceAccumulator {
  private readonly groups = new Map<string, Group>();
  private readonly unanswered = new Set<Promise<unknown>>();
  private held = 0;

  constructor(
    private readonly settings: AccumulatorSettings,
    private readonly sender: BatchSender,
    private readonly timers: AccumulatorTimers = NODE_TIMERS,
  ) {}

  /** Bodies held in groups not sent and batches not answered, bytes. */
  get heldBytes(): number {
    return this.held;
  }

  /** Groups waiting to be sent. */
  get waitingGroups(): number {
    return this.groups.size;
  }

  /** Whether `message` may wait for a batch (Java's canBatch, and no selector: its queue is not known yet). */
  canBatch(message: Message, target: SendTarget): boolean {
    if (target.kind === 'selector' || this.held >= this.settings.totalBatchMaxBytes || isRetryTopic(message.topic)) return false;
    for (const name of ALONE_PROPERTIES) if (message.properties.has(name)) return false;
    return true;
  }

  /** Adds a checked message (canBatch, with its UNIQ_KEY set) to its group; settles with its own result. */
  send(message: Message, target: SendTarget): Promise<SendResult> {
    const key = groupKey(message, target);
    const now = this.timers.now();
    let group = this.groups.get(key);
    if (group === undefined) {
      group = new Group(key, target, now);
      this.groups.set(key, group);
      const created = group;
      group.timer = this.timers.setTimeout(() => this.flush(created), this.settings.batchMaxDelayMs);
    }
    const promise = new Promise<SendResult>((resolve, reject) => {
      const joined = group as Group;
      joined.messages.push(message);
      joined.resolves.push(resolve);
      joined.rejects.push(reject);
    });
    group.bytes += message.body.length;
    this.held += message.body.length;
    if (group.bytes > this.settings.batchMaxBytes || now >= group.createdAt + this.settings.batchMaxDelayMs) this.flush(group);
    return promise;
  }

  /** Sends every waiting group now and resolves once every batch sent so far is answered (shutdown). */
  async flushAll(): Promise<void> {
    for (const group of [...this.groups.values()]) this.flush(group);
    await Promise.allSettled([...this.unanswered]);
  }

  private flush(group: Group): void {
    if (this.groups.get(group.key) !== group) return; // Sent already (by size, before its timer).
    this.groups.delete(group.key);
    this.timers.clearTimeout(group.timer);
    const { messages, resolves, rejects } = group;
    const single = messages.length === 1;
    let sent: Promise<SendResult>;
    try {
      sent = single ? this.sender.sendOne(messages[0] as Message, group.target) : this.sender.sendBatch(messages, group.target);
    } catch (error) {
      sent = Promise.reject(error);
    }
    const answered = sent.then(
      (result) => {
        this.held -= group.bytes;
        let results: SendResult[];
        try {
          results = single ? [result] : splitBatchResult(result, messages);
        } catch (error) {
          for (const reject of rejects) reject(error);
          return;
        }
        for (let index = 0; index < resolves.length; index++) (resolves[index] as (result: SendResult) => void)(results[index] as SendResult);
      },
      (error: unknown) => {
        this.held -= group.bytes;
        for (const reject of rejects) reject(error);
      },
    );
    this.unanswered.add(answered);
    void answered.finally(() => this.unanswered.delete(answered));
  }
}

/** topic, target queue, tags and waitStoreMsgOK (Java's AggregateKey), as one string. */
function groupKey(message: Message, target: SendTarget): string {
  const queue = target.kind === 'queue' ? `${target.queue.brokerName}\u0001${target.queue.queueId}` : '';
  const wait = message.properties.get(MessageConst.WAIT_STORE_MSG_OK) ?? 'true';
  return `${message.topic}\u0002${queue}\u0002${wait}\u0002${message.properties.get(MessageConst.TAGS) ?? ''}`;
}
