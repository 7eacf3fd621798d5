/**
 * producer.ts: Producer, RocketMQ's DefaultMQProducer in TypeScript. `await send()` is Java's sync
 * send and the promise itself its async send: any number may be in flight at once, each with one
 * deadline in a shared sweep. sendOneway() waits for nothing but the write; sendBatch() sends
 * SEND_BATCH_MESSAGE (320). With autoBatch, send() calls without their own timeout or a selector
 * wait up to batchMaxDelayMs to share a batch (produce-accumulator.ts), as Java's autoBatch.
 *
 * Lifecycle: new → start() → shutdown(); sending before start() or after shutdown() is an
 * MQClientError (code -1), as Java's makeSureStateOK.
 */
import { ClientInstance, uniqueInstanceName, type ProducerInner } from '../core/client-instance.js';
import { TimeoutSweep } from '../core/timeout-sweep.js';
import { illegalArgument } from '../errors.js';
import { Message, type MessageInit, type MessageQueue, type MessageQueueLike } from '../message.js';
import { validateProducerOptions, type ProducerOptions, type ProducerOptionsResolved } from '../options.js';
import { wrapNamespace } from '../namespace.js';
import { ProduceAccumulator } from './produce-accumulator.js';
import type { MessageQueueSelector } from './queue-selector.js';
import { SendPath, type SendResult, type SendTarget } from './send-path.js';
import { checkMessage, prepareBatch, prepareSend, uniqIdOf, type SendSettings } from './send-request.js';

export interface SendOptions {
  /** Send to this queue; one attempt. */
  readonly queue?: MessageQueueLike;
  /** Choose the queue (e.g. by a sharding key for ordered messages); one attempt. */
  readonly selector?: MessageQueueSelector;
  /** The whole send's timeout (sendMsgTimeout by default), ms. */
  readonly timeoutMs?: number;
}

type State = 'CREATE_JUST' | 'RUNNING' | 'SHUTDOWN_ALREADY';

function toMessage(message: Message | MessageInit): Message {
  return message instanceof Message ? message : new Message(message);
}

const DEFAULT_TARGET: SendTarget = { kind: 'default' };

function target(message: Message, options: SendOptions): SendTarget {
  if (options.queue === undefined && options.selector === undefined) return DEFAULT_TARGET;
  if (options.queue !== undefined && options.selector !== undefined) throw illegalArgument('give either a queue or a selector, not both');
  if (options.queue !== undefined) return { kind: 'queue', queue: options.queue };
  if (options.selector !== undefined) {
    if (typeof options.selector !== 'function') throw illegalArgument('the selector is not a function');
    return { kind: 'selector', selector: options.selector, message };
  }
  return DEFAULT_TARGET;
}

export class Producer {
  readonly options: ProducerOptionsResolved;
  protected readonly instance: ClientInstance;
  private readonly sweep = new TimeoutSweep();
  private readonly path: SendPath;
  private readonly settings: SendSettings;
  private readonly topics = new Set<string>();
  private readonly accumulator: ProduceAccumulator | undefined;
  private state: State = 'CREATE_JUST';

  constructor(options: ProducerOptions) {
    this.options = validateProducerOptions(options);
    const groupName = wrapNamespace(this.options.namespace, this.options.groupName);
    this.instance = new ClientInstance({ ...this.options, instanceName: uniqueInstanceName(this.options.instanceName) });
    this.settings = { ...this.options, producerGroup: groupName };
    this.path = new SendPath(this.instance, { ...this.settings, ...this.options, producerGroup: groupName }, this.sweep);
    this.instance.registerProducer(groupName, this.producerInner());
    if (this.options.autoBatch) {
      this.accumulator = new ProduceAccumulator(this.options, {
        sendBatch: (messages, sendTarget) => this.path.sendWithin(this.options.sendMsgTimeout, sendTarget, prepareBatch(messages, this.settings)),
        sendOne: (message, sendTarget) => this.sendDirect(message, sendTarget, this.options.sendMsgTimeout),
      });
    }
  }

  /** What the client instance knows of this producer (called by the constructor); TransactionProducer adds its check handler. */
  protected producerInner(): ProducerInner {
    return { publishTopics: () => this.topics };
  }

  get groupName(): string {
    return this.options.groupName;
  }

  /** ip@instanceName, as brokers list this client. */
  get clientId(): string {
    return this.instance.clientId;
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw illegalArgument(`The producer service state not OK, maybe started once, ${this.state}`);
    this.instance.start();
    this.state = 'RUNNING';
    await this.instance.sendHeartbeatToAllBrokers();
  }

  /**
   * Sends what autoBatch holds and waits for those answers, then unregisters from every broker
   * and closes the connections; other sends still in flight fail.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') {
      this.state = 'SHUTDOWN_ALREADY';
      return;
    }
    this.state = 'SHUTDOWN_ALREADY';
    await this.accumulator?.flushAll();
    await this.instance.shutdown();
    this.sweep.clear();
  }

  private checkRunning(): void {
    if (this.state !== 'RUNNING') throw illegalArgument(`The producer service state not OK, ${this.state}`);
  }

  private remember(topic: string): void {
    if (this.topics.size < 100_000 && !this.topics.has(topic)) this.topics.add(wrapNamespace(this.options.namespace, topic));
  }

  /** Sends one message; resolves with the broker's answer, rejects with an MQClientError. */
  send(message: Message | MessageInit, options: SendOptions = {}): Promise<SendResult> {
    try {
      this.checkRunning();
      const msg = toMessage(message);
      const sendTarget = target(msg, options);
      this.remember(msg.topic);
      if (this.accumulator !== undefined && options.timeoutMs === undefined) {
        // Checked first: canBatch reads the topic and properties, so a bad message gets Validators' error, not a TypeError.
        checkMessage(msg, this.settings);
        if (this.accumulator.canBatch(msg, sendTarget)) {
          uniqIdOf(msg);
          return this.accumulator.send(msg, sendTarget);
        }
      }
      return this.sendDirect(msg, sendTarget, options.timeoutMs ?? this.options.sendMsgTimeout);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One message as its own SEND_MESSAGE_V2 (Java's sendDirect); throws on a bad message. */
  private sendDirect(message: Message, sendTarget: SendTarget, timeoutMs: number): Promise<SendResult> {
    // One clock reading for the send's start: Date.now() costs ~0.1 µs here, and a send read it eight times.
    const now = this.path.now();
    return this.path.sendWithin(timeoutMs, sendTarget, prepareSend(message, this.settings, now), now);
  }

  /** Sends one message without waiting for the broker's answer (one attempt). */
  async sendOneway(message: Message | MessageInit, options: Omit<SendOptions, 'timeoutMs'> = {}): Promise<void> {
    this.checkRunning();
    const msg = toMessage(message);
    this.remember(msg.topic);
    await this.path.withDeadline(this.options.sendMsgTimeout, async () => this.path.oneway(await prepareSend(msg, this.settings), target(msg, options)));
  }

  /** Sends messages of one topic in one SEND_BATCH_MESSAGE; msgId of the result joins theirs with commas. */
  sendBatch(messages: readonly (Message | MessageInit)[], options: SendOptions = {}): Promise<SendResult> {
    try {
      this.checkRunning();
      const msgs = messages.map(toMessage);
      const first = msgs[0];
      if (first === undefined) throw illegalArgument('a batch needs at least one message');
      const prepared = prepareBatch(msgs, this.settings);
      const sendTarget = target(first, options);
      this.remember(first.topic);
      return this.path.sendWithin(options.timeoutMs ?? this.options.sendMsgTimeout, sendTarget, prepared);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The queues a send to `topic` may use (fetchPublishMessageQueues). */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.checkRunning();
    const info = await this.path.publishInfo(wrapNamespace(this.options.namespace, topic));
    return this.path.userQueues(info.queues);
  }
}
