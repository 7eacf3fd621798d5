/**
 * send-path.ts: one send from route lookup to SendResult (DefaultMQProducerImpl.sendDefaultImpl,
 * sendSelectImpl, sendKernelImpl). The whole send, retries included, has one deadline
 * (sendMsgTimeout), kept by the producer's TimeoutSweep rather than a timer per message, so
 * thousands of pipelined sends cost no timers of their own. A send is one SendOperation: its
 * promise, its deadline entry, its retry state and the response handler of its attempts, so a
 * pipelined send allocates one object where a promise chain would allocate a dozen.
 *
 * Retries (default target only, as Java's sync send): up to retryTimesWhenSendFailed more
 * attempts, each on a queue chosen by MQFaultStrategy away from the broker that just failed, after
 * a transport failure or a response code in the retriable set; another code ends the send. An
 * explicit queue or a selector gets one attempt, as in Java.
 */
import { isRetriableResponseCode, sendMessageV2Attempt, type RemotingCommand } from '../../protocol/index.js';
import type { ResponseHandler } from '../../remoting/index.js';
import type { ClientInstance } from '../core/client-instance.js';
import { processSendResponse, readSendResponse, type SendResponse, type SendStatus } from '../core/client-api.js';
import type { SweepEntry, TimeoutHandler, TimeoutSweep } from '../core/timeout-sweep.js';
import { ClientErrorCode, MQClientError, toClientError } from '../errors.js';
import { MessageQueue, type Message, type MessageQueueLike } from '../message.js';
import { withoutNamespace, wrapNamespace } from '../namespace.js';
import type { TopicPublishInfo } from '../route/topic-route.js';
import { MQFaultStrategy } from './latency-fault-tolerance.js';
import type { MessageQueueSelector } from './queue-selector.js';
import type { PreparedSend, SendSettings } from './send-request.js';

export interface SendResult {
  readonly sendStatus: SendStatus;
  /** The client message id (UNIQ_KEY); for a batch, every message's joined by commas. */
  readonly msgId: string;
  /** The broker's offset message id (store host + CommitLog offset). */
  readonly offsetMsgId: string;
  readonly messageQueue: MessageQueue;
  readonly queueOffset: number;
  readonly transactionId: string | undefined;
  readonly regionId: string;
  readonly traceOn: boolean;
}

export type SendTarget =
  | { readonly kind: 'default' }
  | { readonly kind: 'queue'; readonly queue: MessageQueueLike }
  | { readonly kind: 'selector'; readonly selector: MessageQueueSelector; readonly message: Message };

export interface SendPathSettings extends SendSettings {
  readonly retryTimesWhenSendFailed: number;
  readonly retryAnotherBrokerWhenNotStoreOK: boolean;
  readonly sendLatencyFaultEnable: boolean;
}

export class SendPath {
  readonly fault: MQFaultStrategy;

  constructor(
    readonly instance: ClientInstance,
    readonly settings: SendPathSettings,
    private readonly sweep: TimeoutSweep,
    readonly now: () => number = Date.now,
  ) {
    this.fault = new MQFaultStrategy(settings.sendLatencyFaultEnable, now);
  }

  /** Runs `work` with a deadline `timeoutMs` from now; on expiry the caller gets a timeout error. */
  withDeadline<T>(timeoutMs: number, work: (deadline: number) => Promise<T>): Promise<T> {
    const deadline = this.now() + timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const entry = this.sweep.add(timeoutMs, () => {
        reject(new MQClientError(ClientErrorCode.ACCESS_BROKER_TIMEOUT, `send timed out after ${timeoutMs} ms (sendMsgTimeout)`));
      });
      let pending: Promise<T>;
      try {
        pending = work(deadline);
      } catch (error) {
        entry.cancel();
        reject(toClientError(error));
        return;
      }
      pending.then(
        (value) => {
          entry.cancel();
          resolve(value);
        },
        (error: unknown) => {
          entry.cancel();
          reject(toClientError(error));
        },
      );
    });
  }

  /** The publish queues of `topic` (wire name), or NOT_FOUND_TOPIC_EXCEPTION. */
  async publishInfo(topic: string): Promise<TopicPublishInfo> {
    const info = await this.instance.tryToFindTopicPublishInfo(topic, this.settings.createTopicKey, this.settings.defaultTopicQueueNums);
    if (info?.ok) return info;
    throw new MQClientError(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, `No route info of this topic: ${topic}`);
  }

  /**
   * One send to its end, within `timeoutMs` from now, retries included; `prepared` may still be
   * on its way (a large body compressed on the thread pool). Cached routes and connections are
   * used without a detour through the event loop.
   */
  sendWithin(timeoutMs: number, target: SendTarget, prepared: PreparedSend | Promise<PreparedSend>, now = this.now()): Promise<SendResult> {
    const operation = new SendOperation(this, target, now, timeoutMs);
    operation.watch(this.sweep);
    if ('then' in prepared) prepared.then((ready) => operation.begin(ready, this.now()), (error: unknown) => operation.fail(error));
    else operation.begin(prepared, now);
    return operation.promise;
  }

  /** A queue the user named, with the namespace; it must be of the message's topic. */
  wireQueue(prepared: PreparedSend, queue: MessageQueueLike): MessageQueue {
    const wire = new MessageQueue(wrapNamespace(this.settings.namespace, queue.topic), queue.brokerName, queue.queueId);
    if (wire.topic !== prepared.topic) throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, "message's topic not equal mq's topic", { retriable: false });
    return wire;
  }

  select(prepared: PreparedSend, info: TopicPublishInfo, target: Extract<SendTarget, { kind: 'selector' }>): MessageQueue {
    const queues = this.userQueues(info.queues);
    let chosen: MessageQueue | undefined;
    try {
      chosen = target.selector(queues, target.message);
    } catch (error) {
      throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, `select message queue threw exception: ${(error as Error).message}`, { cause: error, retriable: false });
    }
    if (chosen === undefined || chosen === null) throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, 'select message queue return null.', { retriable: false });
    return this.wireQueue(prepared, chosen);
  }

  /** The queues as the user sees them: topic names without the namespace. */
  userQueues(queues: readonly MessageQueue[]): MessageQueue[] {
    if (this.settings.namespace.length === 0) return [...queues];
    return queues.map((queue) => new MessageQueue(withoutNamespace(queue.topic, this.settings.namespace), queue.brokerName, queue.queueId));
  }

  /** The broker master's address, refreshing the route once if the broker is unknown. */
  async brokerAddress(queue: MessageQueue): Promise<string> {
    let address = this.instance.routes.masterAddress(queue.brokerName);
    if (address === undefined) {
      await this.instance.tryToFindTopicPublishInfo(queue.topic, this.settings.createTopicKey, this.settings.defaultTopicQueueNums);
      address = this.instance.routes.masterAddress(queue.brokerName);
    }
    if (address === undefined) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${queue.brokerName}] not exist`);
    return address;
  }

  result(prepared: PreparedSend, queue: MessageQueue, response: SendResponse): SendResult {
    const topic = withoutNamespace(queue.topic, this.settings.namespace);
    return {
      sendStatus: response.sendStatus,
      msgId: prepared.msgId,
      offsetMsgId: response.offsetMsgId,
      messageQueue: topic === queue.topic && response.queueId === queue.queueId ? queue : new MessageQueue(topic, queue.brokerName, response.queueId),
      queueOffset: response.queueOffset,
      transactionId: response.transactionId,
      regionId: response.regionId,
      traceOn: response.traceOn,
    };
  }

  /** A oneway send: one attempt, no answer (Java's ONEWAY mode). */
  async oneway(prepared: PreparedSend, target: SendTarget): Promise<void> {
    const info = await this.publishInfo(prepared.topic);
    const queue =
      target.kind === 'queue'
        ? this.wireQueue(prepared, target.queue)
        : target.kind === 'selector'
          ? this.select(prepared, info, target)
          : this.fault.selectOneMessageQueue(info, undefined, false);
    if (queue === undefined) throw new MQClientError(ClientErrorCode.NOT_FOUND_TOPIC_EXCEPTION, `No route info of this topic: ${prepared.topic}`);
    const address = await this.brokerAddress(queue);
    await this.instance.api.sendMessageOneway(address, prepared.code, sendMessageV2Attempt(prepared.header, queue.queueId, this.now(), queue.brokerName), prepared.body);
  }
}

/**
 * One send: resolves `promise` once, with the first of a result, a final failure or the deadline.
 * Default target: attempts on queues chosen away from the broker that just failed, while retries
 * and time last (a retriable failure, or a result other than SEND_OK with
 * retryAnotherBrokerWhenNotStoreOK, moves on). An explicit queue or a selector: one attempt.
 * An attempt still in flight when the send has ended only updates the fault strategy.
 */
class SendOperation implements ResponseHandler, TimeoutHandler {
  readonly promise: Promise<SendResult>;
  private resolve!: (result: SendResult) => void;
  private reject!: (error: MQClientError) => void;
  private entry: SweepEntry | undefined;
  private ended = false;
  private prepared!: PreparedSend;
  /** The route of a default-target send; undefined for one attempt at a chosen queue. */
  private info: TopicPublishInfo | undefined;
  private times = 0;
  /** The brokers of the attempts so far, for the final error: "a" or "a, b, c". */
  private brokersSent = '';
  private lastBroker: string | undefined;
  private lastError: MQClientError | undefined;
  private notStoredOk: SendResult | undefined;
  private queue!: MessageQueue;
  private address = '';
  private attemptStart = 0;

  private readonly deadline: number;

  /** `began`: when the send started (its deadline is `timeoutMs` later); the clock reading of its synchronous first steps. */
  constructor(
    private readonly path: SendPath,
    private readonly target: SendTarget,
    private readonly began: number,
    private readonly timeoutMs: number,
  ) {
    this.deadline = began + timeoutMs;
    this.promise = new Promise<SendResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  watch(sweep: TimeoutSweep): void {
    this.entry = sweep.addHandler(this.timeoutMs, this, this.began);
  }

  onTimeout(): void {
    this.entry = undefined;
    this.fail(new MQClientError(ClientErrorCode.ACCESS_BROKER_TIMEOUT, `send timed out after ${this.timeoutMs} ms (sendMsgTimeout)`));
  }

  /** `now`: the clock's reading (the send's start, unless its body was compressed on the thread pool). */
  begin(prepared: PreparedSend, now: number): void {
    if (this.ended) return;
    this.prepared = prepared;
    const known = this.path.instance.routes.publishInfo(prepared.topic);
    if (known?.ok) this.route(known, now);
    else this.path.publishInfo(prepared.topic).then((info) => this.route(info, this.path.now()), (error: unknown) => this.fail(error));
  }

  /** `now`: the clock's reading, passed along the synchronous steps of an attempt. */
  private route(info: TopicPublishInfo, now: number): void {
    if (this.ended) return;
    const target = this.target;
    try {
      if (target.kind === 'queue') return this.attempt(this.path.wireQueue(this.prepared, target.queue), now);
      if (target.kind === 'selector') return this.attempt(this.path.select(this.prepared, info, target), now);
    } catch (error) {
      return this.fail(error);
    }
    this.info = info;
    this.next(now);
  }

  /** Attempt `times + 1` of a default-target send, or the end of it. */
  private next(now: number): void {
    const info = this.info as TopicPublishInfo;
    const path = this.path;
    const queue = this.times < 1 + path.settings.retryTimesWhenSendFailed && now < this.deadline ? path.fault.selectOneMessageQueue(info, this.lastBroker, this.times > 0) : undefined;
    if (queue === undefined) return this.giveUp(now);
    this.times++;
    this.lastBroker = queue.brokerName;
    this.brokersSent = this.times === 1 ? queue.brokerName : `${this.brokersSent}, ${queue.brokerName}`;
    this.attempt(queue, now);
  }

  /** sendKernelImpl: one request to the queue's broker. */
  private attempt(queue: MessageQueue, now: number): void {
    this.queue = queue;
    const address = this.path.instance.routes.masterAddress(queue.brokerName);
    if (address !== undefined) return this.attemptAt(address, now);
    this.attemptStart = now;
    this.path.brokerAddress(queue).then((found) => this.attemptAt(found, this.path.now()), (error: unknown) => this.failed(error));
  }

  private attemptAt(address: string, now: number): void {
    if (this.ended) return;
    this.address = address;
    this.attemptStart = now;
    const timeoutMs = this.deadline - now;
    if (timeoutMs <= 0) return this.failed(new MQClientError(ClientErrorCode.ACCESS_BROKER_TIMEOUT, 'sendKernelImpl call timeout'));
    const prepared = this.prepared;
    const header = sendMessageV2Attempt(prepared.header, this.queue.queueId, now, this.queue.brokerName);
    this.path.instance.api.sendMessageWith(address, prepared.code, header, prepared.body, timeoutMs, this, now);
  }

  /** The common answer (a result code, a well-formed binary header) without the generic decode. */
  onResponseFrame(frame: Buffer): boolean {
    const answer = readSendResponse(frame);
    if (answer === undefined) return false;
    this.answered(answer);
    return true;
  }

  onResponse(response: RemotingCommand): void {
    let answer: SendResponse;
    try {
      answer = processSendResponse(response, this.address);
    } catch (error) {
      return this.failed(error);
    }
    this.answered(answer);
  }

  private answered(answer: SendResponse): void {
    const result = this.path.result(this.prepared, this.queue, answer);
    if (this.info === undefined) return this.succeed(result);
    const fault = this.path.fault;
    // The clock is read only when something needs it (a send that ends well with the fault strategy off: never).
    if (fault.sendLatencyFaultEnable) fault.updateFaultItem(this.queue.brokerName, this.path.now() - this.attemptStart, false, true);
    if (this.ended) return;
    if (result.sendStatus === 'SEND_OK' || !this.path.settings.retryAnotherBrokerWhenNotStoreOK) return this.succeed(result);
    this.notStoredOk = result;
    this.next(this.path.now());
  }

  onError(error: Error): void {
    this.failed(toClientError(error, this.address));
  }

  /** An attempt failed: the end of a one-attempt send; else retry unless a broker said no for good. */
  private failed(error: unknown): void {
    if (this.info === undefined) return this.fail(error);
    const failure = toClientError(error);
    const isResponse = failure.code >= 0 && failure.code < 10000;
    const now = this.path.now();
    this.path.fault.updateFaultItem(this.queue.brokerName, now - this.attemptStart, true, !isResponse || failure.retriable);
    if (this.ended) return;
    if (isResponse && !isRetriableResponseCode(failure.code)) return this.fail(failure);
    this.path.instance.logger.warn({ err: failure, broker: this.queue.brokerName, attempt: this.times }, 'send failed; retrying');
    this.lastError = failure;
    this.next(now);
  }

  private giveUp(now: number): void {
    if (this.notStoredOk !== undefined) return this.succeed(this.notStoredOk);
    const last = this.lastError;
    const remark = `Send [${this.times}] times, still failed, cost [${now - this.began}]ms, Topic: ${this.prepared.topic}, BrokersSent: [${this.brokersSent}]`;
    this.fail(new MQClientError(last?.code ?? ClientErrorCode.ACCESS_BROKER_TIMEOUT, last ? `${remark}: ${last.remark}` : remark, { cause: last }));
  }

  private succeed(result: SendResult): void {
    if (this.ended) return;
    this.ended = true;
    this.entry?.cancel();
    this.resolve(result);
  }

  fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    this.entry?.cancel();
    this.reject(toClientError(error));
  }
}
