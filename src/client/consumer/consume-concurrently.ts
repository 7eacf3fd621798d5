/**
 * consume-concurrently.ts: hands pulled messages to a concurrent listener
 * (ConsumeMessageConcurrentlyService.java). Messages are cut into batches of at most
 * consumeMessageBatchMaxSize; at most consumeThreadMax listener calls run at once, the rest wait in
 * arrival order. A batch that fails (RECONSUME_LATER, a thrown error, no answer), or the part after
 * ackIndex, is sent back to the broker for a later retry (clustering) or dropped with a warning
 * (broadcasting, as Java); a message whose send-back fails is retried here after 5 s. Then the
 * batch leaves its ProcessQueue and the queue's committable offset moves on.
 *
 * A listener running longer than consumeTimeout keeps its slot (JavaScript cannot stop it), but
 * its messages are sent back and released so the queue's offset can move (cleanExpiredMsg).
 */
import { MessageConst } from '../../message/index.js';
import type { Logger } from '../../log/index.js';
import type { MessageExt, MessageQueue } from '../message.js';
import type { MessageModel } from '../options.js';
import type { ProcessQueue } from './process-queue.js';
import type { ReceivedMessage } from './received-message.js';

/**
 * What a listener answers: SUCCESS or RECONSUME_LATER (ConsumeConcurrentlyStatus) from a concurrent
 * listener, SUCCESS or SUSPEND_CURRENT_QUEUE_A_MOMENT (ConsumeOrderlyStatus) from an orderly one.
 */
export const ConsumeResult = { SUCCESS: 'CONSUME_SUCCESS', RECONSUME_LATER: 'RECONSUME_LATER', SUSPEND_CURRENT_QUEUE_A_MOMENT: 'SUSPEND_CURRENT_QUEUE_A_MOMENT' } as const;
export type ConsumeResult = (typeof ConsumeResult)[keyof typeof ConsumeResult];

export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /** Delay level of messages sent back: 0 lets the broker choose (3 + reconsumeTimes); -1 sends them to the DLQ. */
  delayLevelWhenNextConsume: number;
  /** With SUCCESS, the messages after this index are sent back. */
  ackIndex: number;
}

export type MessageListenerConcurrently = (messages: MessageExt[], context: ConsumeConcurrentlyContext) => Promise<ConsumeResult> | ConsumeResult;

/** Java's delay before a batch whose send-back failed is consumed again, ms. */
export const CONSUME_RETRY_DELAY_MS = 5_000;
const EXPIRED_CHECK_MAX = 16;
/** Delay level of a message that timed out in the listener (ProcessQueue.cleanExpiredMsg). */
const EXPIRED_DELAY_LEVEL = 3;

export interface ConsumeHost {
  readonly retryTopic: string;
  readonly messageModel: MessageModel;
  readonly logger: Logger;
  readonly consumeThreadMax: number;
  readonly consumeMessageBatchMaxSize: number;
  readonly consumeTimeoutMs: number;
  /** The topic the user knows (namespace removed). */
  userTopic(topic: string): string;
  sendMessageBack(message: ReceivedMessage, delayLevel: number, queue: MessageQueue): Promise<void>;
  updateOffset(queue: MessageQueue, offset: number): void;
  processQueues(): Iterable<{ readonly queue: MessageQueue; readonly processQueue: ProcessQueue }>;
}

interface ConsumeRequest {
  readonly messages: ReceivedMessage[];
  readonly processQueue: ProcessQueue;
  readonly queue: MessageQueue;
}

export class ConsumeMessageConcurrentlyService {
  /**
   * Requests not started yet, from `head` on (a queue without Array.shift's copying). A started
   * request's slot is emptied at once, so the queue never keeps a consumed batch (and its
   * messages' bodies) alive; it used to hold up to 1,024 of them until it compacted.
   */
  private waiting: (ConsumeRequest | undefined)[] = [];
  private head = 0;
  private running = 0;
  private stopped = false;
  private drainImmediate: NodeJS.Immediate | undefined;
  /** drain() is running: a listener settled synchronously from inside it does not start another. */
  private draining = false;
  private idle: (() => void) | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly host: ConsumeHost,
    private readonly listener: MessageListenerConcurrently,
  ) {}

  get inFlight(): number {
    return this.running;
  }

  /** Consume requests submitted and not started yet. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  submitConsumeRequest(messages: readonly ReceivedMessage[], processQueue: ProcessQueue, queue: MessageQueue): void {
    const size = this.host.consumeMessageBatchMaxSize;
    for (let start = 0; start < messages.length; start += size) this.waiting.push({ messages: messages.slice(start, start + size), processQueue, queue });
    // From setImmediate, after the pulls due now (pull-message-service.ts) have gone out.
    this.drainImmediate ??= setImmediate(() => {
      this.drainImmediate = undefined;
      this.drain();
    });
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    while (!this.stopped && this.running < this.host.consumeThreadMax && this.head < this.waiting.length) {
      const request = this.waiting[this.head];
      this.waiting[this.head++] = undefined;
      if (this.head === this.waiting.length) {
        this.waiting.length = 0;
        this.head = 0;
      } else if (this.head >= 1024 && this.head * 2 >= this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      if (request === undefined || request.processQueue.dropped) continue;
      this.running++;
      this.consume(request);
    }
    this.draining = false;
  }

  /**
   * One listener call and its outcome. No promise of its own: a listener answering at once is
   * settled at once, a promise through one then(); only a batch with failures takes the async
   * send-back path. (A consumer of a backlog runs this for every message.)
   */
  private consume(request: ConsumeRequest): void {
    const context: ConsumeConcurrentlyContext = { messageQueue: request.queue, delayLevelWhenNextConsume: 0, ackIndex: Number.MAX_SAFE_INTEGER };
    const now = Date.now();
    for (const message of request.messages) {
      // resetRetryAndNamespace: a retry message is handed over under its original topic.
      if (message.topic === this.host.retryTopic) message.topic = message.getProperty(MessageConst.RETRY_TOPIC) ?? message.topic;
      message.topic = this.host.userTopic(message.topic);
      message.consumeStartTime = now;
    }
    let answer: Promise<ConsumeResult> | ConsumeResult;
    try {
      answer = this.listener(request.messages, context);
    } catch (error) {
      return this.settle(request, context, undefined, error);
    }
    if (answer !== null && typeof answer === 'object' && typeof answer.then === 'function') {
      answer.then(
        (status) => this.settle(request, context, status),
        (error: unknown) => this.settle(request, context, undefined, error),
      );
    } else {
      this.settle(request, context, answer as ConsumeResult);
    }
  }

  private settle(request: ConsumeRequest, context: ConsumeConcurrentlyContext, answer: ConsumeResult | undefined, error?: unknown): void {
    if (error !== undefined) this.host.logger.warn({ err: error, queue: request.queue.toString() }, 'consumeMessage exception');
    let status = answer;
    if (status !== ConsumeResult.SUCCESS && status !== ConsumeResult.RECONSUME_LATER) {
      if (status !== undefined) this.host.logger.warn({ status }, 'consumeMessage returned an unknown status; treated as RECONSUME_LATER');
      status = ConsumeResult.RECONSUME_LATER;
    }
    if (request.processQueue.dropped) return this.finish();
    if (status === ConsumeResult.SUCCESS && context.ackIndex >= request.messages.length - 1) {
      this.release(request, request.messages);
      return this.finish();
    }
    this.processConsumeResult(status, context, request).then(
      () => this.finish(),
      (failure: unknown) => {
        this.host.logger.warn({ err: failure, queue: request.queue.toString() }, 'processing a consume result failed');
        this.finish();
      },
    );
  }

  /** A listener call is over: its slot goes to the next request. */
  private finish(): void {
    this.running--;
    if (this.running === 0) this.idle?.();
    this.drain();
  }

  /** Consumed messages leave their ProcessQueue; the queue's committable offset moves on. */
  private release(request: ConsumeRequest, consumed: readonly ReceivedMessage[]): void {
    const offset = request.processQueue.removeMessage(consumed);
    if (offset >= 0 && !request.processQueue.dropped) this.host.updateOffset(request.queue, offset);
  }

  private async processConsumeResult(status: ConsumeResult, context: ConsumeConcurrentlyContext, request: ConsumeRequest): Promise<void> {
    const ackIndex = status === ConsumeResult.SUCCESS ? Math.min(context.ackIndex, request.messages.length - 1) : -1;
    const failed = request.messages.slice(ackIndex + 1);
    const backFailed: ReceivedMessage[] = [];
    if (this.host.messageModel === 'BROADCASTING') {
      for (const message of failed) this.host.logger.warn({ msgId: message.msgId }, 'BROADCASTING, the message consume failed, drop it');
    } else {
      for (const message of failed) {
        if (!request.processQueue.containsMessage(message)) continue;
        try {
          await this.host.sendMessageBack(message, context.delayLevelWhenNextConsume, request.queue);
        } catch (error) {
          this.host.logger.warn({ err: error, msgId: message.msgId }, 'sendMessageBack failed; consuming it again later');
          message.reconsumeTimes++;
          backFailed.push(message);
        }
      }
    }
    const consumed = backFailed.length === 0 ? request.messages : request.messages.filter((message) => !backFailed.includes(message));
    if (backFailed.length > 0) this.later(() => this.submitConsumeRequest(backFailed, request.processQueue, request.queue));
    this.release(request, consumed);
  }

  private later(task: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, CONSUME_RETRY_DELAY_MS);
    this.timers.add(timer);
  }

  /** ProcessQueue.cleanExpiredMsg over every queue: messages consumed for too long are sent back and released. */
  async cleanExpiredMessages(now = Date.now()): Promise<void> {
    for (const { queue, processQueue } of this.host.processQueues()) {
      for (let checked = 0; checked < EXPIRED_CHECK_MAX; checked++) {
        const message = processQueue.firstMessage();
        if (message === undefined || message.consumeStartTime === 0 || now - message.consumeStartTime <= this.host.consumeTimeoutMs) break;
        try {
          await this.host.sendMessageBack(message, EXPIRED_DELAY_LEVEL, queue);
        } catch (error) {
          this.host.logger.warn({ err: error, msgId: message.msgId }, 'send expired message back failed');
          break;
        }
        if (processQueue.firstMessage() === message) processQueue.removeMessage([message]);
      }
    }
  }

  /** Stops starting listeners and waits (at most `timeoutMs`) for the running ones. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.waiting = [];
    this.head = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearImmediate(this.drainImmediate);
    this.drainImmediate = undefined;
    if (this.running === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
