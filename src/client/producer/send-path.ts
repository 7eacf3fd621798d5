/**
 * send-path.ts: one send from route lookup to SendResult (DefaultMQProducerImpl.sendDefaultImpl,
 * sendSelectImpl, sendKernelImpl). The whole send, retries included, has one deadline
 * (sendMsgTimeout), kept by the producer's TimeoutSweep rather than a timer per message, so
 * thousands of pipelined sends cost no timers of their own.
 *
 * Retries (default target only, as Java's sync send): up to retryTimesWhenSendFailed more
 * attempts, each on a queue chosen by MQFaultStrategy away from the broker that just failed, after
 * a transport failure or a response code in the retriable set; another code ends the send. An
 * explicit queue or a selector gets one attempt, as in Java.
 */
import { isRetriableResponseCode, type SendMessageRequestHeader } from '../../protocol/index.js';
import type { ClientInstance } from '../core/client-instance.js';
import type { SendResponse, SendStatus } from '../core/client-api.js';
import type { TimeoutSweep } from '../core/timeout-sweep.js';
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

interface RetryState {
  times: number;
  readonly brokersSent: string[];
  readonly began: number;
  lastBroker: string | undefined;
  lastError: MQClientError | undefined;
  notStoredOk: SendResult | undefined;
}

/** The header of one attempt: the prepared fields plus queue, broker and born time (no spread: this is per message). */
function attemptHeader(prepared: PreparedSend, queue: MessageQueue, now: number): SendMessageRequestHeader {
  const base = prepared.header;
  return {
    producerGroup: base.producerGroup,
    topic: base.topic,
    defaultTopic: base.defaultTopic,
    defaultTopicQueueNums: base.defaultTopicQueueNums,
    queueId: queue.queueId,
    sysFlag: base.sysFlag,
    bornTimestamp: now,
    flag: base.flag,
    properties: base.properties,
    reconsumeTimes: base.reconsumeTimes,
    unitMode: base.unitMode,
    maxReconsumeTimes: base.maxReconsumeTimes,
    batch: base.batch,
    brokerName: queue.brokerName,
  };
}

export interface SendPathSettings extends SendSettings {
  readonly retryTimesWhenSendFailed: number;
  readonly retryAnotherBrokerWhenNotStoreOK: boolean;
  readonly sendLatencyFaultEnable: boolean;
}

export class SendPath {
  readonly fault: MQFaultStrategy;

  constructor(
    private readonly instance: ClientInstance,
    private readonly settings: SendPathSettings,
    private readonly sweep: TimeoutSweep,
    private readonly now: () => number = Date.now,
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

  /** One send to its end. Cached routes and connections are used without a detour through the event loop. */
  send(prepared: PreparedSend, target: SendTarget, deadline: number): Promise<SendResult> {
    const known = this.instance.routes.publishInfo(prepared.topic);
    if (known?.ok) return this.dispatch(prepared, known, target, deadline);
    return this.publishInfo(prepared.topic).then((info) => this.dispatch(prepared, info, target, deadline));
  }

  private dispatch(prepared: PreparedSend, info: TopicPublishInfo, target: SendTarget, deadline: number): Promise<SendResult> {
    try {
      if (target.kind === 'queue') return this.attempt(prepared, this.wireQueue(prepared, target.queue), deadline);
      if (target.kind === 'selector') return this.attempt(prepared, this.select(prepared, info, target), deadline);
    } catch (error) {
      return Promise.reject(error);
    }
    const state: RetryState = { times: 0, brokersSent: [], began: this.now(), lastBroker: undefined, lastError: undefined, notStoredOk: undefined };
    return this.nextAttempt(prepared, info, deadline, state);
  }

  /** A queue the user named, with the namespace; it must be of the message's topic. */
  private wireQueue(prepared: PreparedSend, queue: MessageQueueLike): MessageQueue {
    const wire = new MessageQueue(wrapNamespace(this.settings.namespace, queue.topic), queue.brokerName, queue.queueId);
    if (wire.topic !== prepared.topic) throw new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, "message's topic not equal mq's topic", { retriable: false });
    return wire;
  }

  private select(prepared: PreparedSend, info: TopicPublishInfo, target: Extract<SendTarget, { kind: 'selector' }>): MessageQueue {
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

  /** Attempt `state.times + 1`, on a queue away from the broker that just failed, while time and retries last. */
  private nextAttempt(prepared: PreparedSend, info: TopicPublishInfo, deadline: number, state: RetryState): Promise<SendResult> {
    const queue = state.times < 1 + this.settings.retryTimesWhenSendFailed && this.now() < deadline ? this.fault.selectOneMessageQueue(info, state.lastBroker, state.times > 0) : undefined;
    if (queue === undefined) return this.giveUp(prepared, state);
    state.times++;
    state.lastBroker = queue.brokerName;
    state.brokersSent.push(queue.brokerName);
    const start = this.now();
    return this.attempt(prepared, queue, deadline).then(
      (result) => {
        this.fault.updateFaultItem(queue.brokerName, this.now() - start, false, true);
        if (result.sendStatus === 'SEND_OK' || !this.settings.retryAnotherBrokerWhenNotStoreOK) return result;
        state.notStoredOk = result;
        return this.nextAttempt(prepared, info, deadline, state);
      },
      (error: unknown) => {
        const failure = toClientError(error);
        const isResponse = failure.code >= 0 && failure.code < 10000;
        this.fault.updateFaultItem(queue.brokerName, this.now() - start, true, !isResponse || failure.retriable);
        if (isResponse && !isRetriableResponseCode(failure.code)) throw failure;
        this.instance.logger.warn({ err: failure, broker: queue.brokerName, attempt: state.times }, 'send failed; retrying');
        state.lastError = failure;
        return this.nextAttempt(prepared, info, deadline, state);
      },
    );
  }

  private giveUp(prepared: PreparedSend, state: RetryState): Promise<SendResult> {
    if (state.notStoredOk !== undefined) return Promise.resolve(state.notStoredOk);
    const last = state.lastError;
    const remark = `Send [${state.brokersSent.length}] times, still failed, cost [${this.now() - state.began}]ms, Topic: ${prepared.topic}, BrokersSent: [${state.brokersSent.join(', ')}]`;
    return Promise.reject(new MQClientError(last?.code ?? ClientErrorCode.ACCESS_BROKER_TIMEOUT, last ? `${remark}: ${last.remark}` : remark, { cause: last }));
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

  /** sendKernelImpl: one request to the queue's broker. */
  private attempt(prepared: PreparedSend, queue: MessageQueue, deadline: number): Promise<SendResult> {
    const address = this.instance.routes.masterAddress(queue.brokerName);
    if (address === undefined) return this.brokerAddress(queue).then((found) => this.attemptAt(prepared, queue, found, deadline));
    return this.attemptAt(prepared, queue, address, deadline);
  }

  private attemptAt(prepared: PreparedSend, queue: MessageQueue, address: string, deadline: number): Promise<SendResult> {
    const timeoutMs = deadline - this.now();
    if (timeoutMs <= 0) return Promise.reject(new MQClientError(ClientErrorCode.ACCESS_BROKER_TIMEOUT, 'sendKernelImpl call timeout'));
    const header = attemptHeader(prepared, queue, this.now());
    return this.instance.api.sendMessage(address, prepared.code, header, prepared.body, timeoutMs).then((response) => this.result(prepared, queue, response));
  }

  private result(prepared: PreparedSend, queue: MessageQueue, response: SendResponse): SendResult {
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
    await this.instance.api.sendMessageOneway(address, prepared.code, attemptHeader(prepared, queue, this.now()), prepared.body);
  }
}
