/**
 * consume-orderly.ts: hands pulled messages to an orderly listener (ConsumeMessageOrderlyService):
 * per queue one batch at a time, in queue-offset order, and only while this client holds the
 * queue's broker lock (clustering: ProcessQueue.locked and not lockExpired; broadcasting needs no
 * lock). At most consumeThreadMax listener calls run at once over all queues; a queue gives its
 * slot back after every batch, so queues take turns.
 *
 * SUCCESS commits the batch (the offset after it). SUSPEND_CURRENT_QUEUE_A_MOMENT, a thrown error
 * or no answer puts the batch back and consumes it again after suspendCurrentQueueTimeMillis
 * (clamped to 10..30 000 ms as Java), each message's reconsumeTimes counted up; a message already
 * consumed maxReconsumeTimes times (-1: Integer.MAX_VALUE, as Java's orderly default) goes to the
 * DLQ instead (sendToDeadLetter), and if that fails it is retried locally too.
 *
 * Invariants: at most one consume loop per ProcessQueue, and while it runs no second batch of that
 * queue is taken; no batch is taken from a dropped queue or without a valid lock; an offset is
 * committed only for consumed batches, and never for a dropped queue (a batch that finishes after
 * its queue was dropped is remembered for the rebalance, which commits it before giving the lock
 * back: droppedCommitOffset). Every timer is cleared by shutdown().
 */
import { MessageConst } from '../../message/index.js';
import type { Logger } from '../../log/index.js';
import type { MessageExt, MessageQueue } from '../message.js';
import type { MessageModel } from '../options.js';
import { ConsumeResult } from './consume-concurrently.js';
import type { ProcessQueue } from './process-queue.js';
import type { ReceivedMessage } from './received-message.js';

export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** Pause before a suspended batch is consumed again, ms; -1 uses suspendCurrentQueueTimeMillis. */
  suspendCurrentQueueTimeMillis: number;
}

export type MessageListenerOrderly = (messages: MessageExt[], context: ConsumeOrderlyContext) => Promise<ConsumeResult> | ConsumeResult;

const SUSPEND_MIN_MS = 10;
const SUSPEND_MAX_MS = 30_000;

export interface ConsumeOrderlyHost {
  readonly retryTopic: string;
  readonly messageModel: MessageModel;
  readonly logger: Logger;
  readonly consumeThreadMax: number;
  readonly consumeMessageBatchMaxSize: number;
  readonly suspendCurrentQueueTimeMillis: number;
  /** Deliveries before the DLQ, already resolved (-1 → Integer.MAX_VALUE). */
  readonly maxReconsumeTimes: number;
  userTopic(topic: string): string;
  /** Sends a message that was consumed too often to the DLQ; throws when it could not. */
  sendToDeadLetter(message: ReceivedMessage, queue: MessageQueue): Promise<void>;
  updateOffset(queue: MessageQueue, offset: number): void;
  /** The queue's lock was lost or expired: stop consuming it (the host drops it). */
  lockLost(queue: MessageQueue, processQueue: ProcessQueue): void;
}

interface QueueRun {
  readonly queue: MessageQueue;
  /** A pending restart after a suspended batch. */
  timer: NodeJS.Timeout | undefined;
  /** The batch in the listener, with its result handling. */
  busy: Promise<void> | undefined;
}

export class ConsumeMessageOrderlyService {
  private readonly runs = new Map<ProcessQueue, QueueRun>();
  private readonly droppedCommits = new WeakMap<ProcessQueue, number>();
  private readonly slotWaiters: (() => void)[] = [];
  private active = 0;
  private stopped = false;

  constructor(
    private readonly host: ConsumeOrderlyHost,
    private readonly listener: MessageListenerOrderly,
  ) {}

  /** New messages of `processQueue`: starts its consume loop unless one is running or suspended. */
  submitConsumeRequest(_messages: readonly ReceivedMessage[], processQueue: ProcessQueue, queue: MessageQueue): void {
    if (this.stopped || processQueue.dropped || this.runs.has(processQueue)) return;
    const run: QueueRun = { queue, timer: undefined, busy: undefined };
    this.runs.set(processQueue, run);
    void this.consumeLoop(processQueue, run);
  }

  private lockValid(processQueue: ProcessQueue): boolean {
    return this.host.messageModel === 'BROADCASTING' || (processQueue.locked && !processQueue.isLockExpired());
  }

  /** Consumes batches of one queue until it is empty, suspended, dropped or unlocked. */
  private async consumeLoop(processQueue: ProcessQueue, run: QueueRun): Promise<void> {
    try {
      for (;;) {
        if (this.stopped || processQueue.dropped) return;
        if (!this.lockValid(processQueue)) {
          this.host.logger.warn({ queue: run.queue.toString() }, 'the message queue not locked or its lock expired; not consuming it');
          this.host.lockLost(run.queue, processQueue);
          return;
        }
        await this.acquireSlot();
        try {
          if (this.stopped || processQueue.dropped || !this.lockValid(processQueue)) continue;
          const messages = processQueue.takeMessages(this.host.consumeMessageBatchMaxSize);
          if (messages.length === 0) return;
          run.busy = this.consumeBatch(messages, processQueue, run);
          const goOn = await run.busy.then(() => run.timer === undefined);
          run.busy = undefined;
          if (!goOn) return;
        } finally {
          this.releaseSlot();
        }
      }
    } catch (error) {
      this.host.logger.error({ err: error, queue: run.queue.toString() }, 'orderly consume loop failed');
    } finally {
      // Synchronously with the loop's end, so a submit right after starts a new loop.
      if (run.timer === undefined && this.runs.get(processQueue) === run) this.runs.delete(processQueue);
    }
  }

  private async consumeBatch(messages: ReceivedMessage[], processQueue: ProcessQueue, run: QueueRun): Promise<void> {
    const context: ConsumeOrderlyContext = { messageQueue: run.queue, suspendCurrentQueueTimeMillis: -1 };
    for (const message of messages) {
      if (message.topic === this.host.retryTopic) message.topic = message.getProperty(MessageConst.RETRY_TOPIC) ?? message.topic;
      message.topic = this.host.userTopic(message.topic);
      message.consumeStartTime = Date.now();
    }
    let status: ConsumeResult | undefined;
    try {
      status = await this.listener(messages, context);
    } catch (error) {
      this.host.logger.warn({ err: error, queue: run.queue.toString() }, 'consumeMessage exception');
    }
    if (status !== ConsumeResult.SUCCESS && status !== ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT) {
      if (status !== undefined) this.host.logger.warn({ status }, 'consumeMessage returned an unknown status; treated as SUSPEND_CURRENT_QUEUE_A_MOMENT');
      status = ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT;
    }
    await this.processConsumeResult(messages, status, context, processQueue, run);
  }

  private async processConsumeResult(messages: ReceivedMessage[], status: ConsumeResult, context: ConsumeOrderlyContext, processQueue: ProcessQueue, run: QueueRun): Promise<void> {
    if (status === ConsumeResult.SUSPEND_CURRENT_QUEUE_A_MOMENT) {
      this.host.logger.warn({ queue: run.queue.toString(), msgIds: messages.map((message) => message.msgId) }, 'consumeMessage Orderly return not OK');
      if (await this.checkReconsumeTimes(messages, run.queue)) {
        processQueue.makeMessageToConsumeAgain(messages);
        this.consumeLater(processQueue, run, context.suspendCurrentQueueTimeMillis);
        return;
      }
    }
    const offset = processQueue.commit();
    if (offset < 0) return;
    if (processQueue.dropped) this.droppedCommits.set(processQueue, offset);
    else this.host.updateOffset(run.queue, offset);
  }

  /** True when the batch must be consumed again; messages past maxReconsumeTimes go to the DLQ. */
  private async checkReconsumeTimes(messages: ReceivedMessage[], queue: MessageQueue): Promise<boolean> {
    let suspend = false;
    for (const message of messages) {
      if (message.reconsumeTimes >= this.host.maxReconsumeTimes) {
        try {
          await this.host.sendToDeadLetter(message, queue);
          continue;
        } catch (error) {
          this.host.logger.error({ err: error, msgId: message.msgId }, 'sendMessageBack to the DLQ failed; consuming it again');
        }
      }
      suspend = true;
      message.reconsumeTimes++;
    }
    return suspend;
  }

  /** submitConsumeRequestLater: the queue's loop starts again after the (clamped) pause. */
  private consumeLater(processQueue: ProcessQueue, run: QueueRun, suspendMs: number): void {
    if (this.stopped) return;
    const delayMs = Math.min(SUSPEND_MAX_MS, Math.max(SUSPEND_MIN_MS, suspendMs === -1 ? this.host.suspendCurrentQueueTimeMillis : suspendMs));
    run.timer = setTimeout(() => {
      run.timer = undefined;
      this.runs.delete(processQueue);
      this.submitConsumeRequest([], processQueue, run.queue);
    }, delayMs);
  }

  private async acquireSlot(): Promise<void> {
    if (this.active < this.host.consumeThreadMax) {
      this.active++;
      return;
    }
    // Bounded: one waiter per queue loop.
    await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next === undefined) this.active--;
    else next();
  }

  /**
   * Waits (at most `timeoutMs`) until no batch of `processQueue` is in the listener; true when none
   * is. Call after marking the queue dropped, so no new batch starts.
   */
  async whenIdle(processQueue: ProcessQueue, timeoutMs: number): Promise<boolean> {
    const busy = this.runs.get(processQueue)?.busy;
    if (busy === undefined) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const idle = await Promise.race([busy.then(() => true as const), timeout]);
    clearTimeout(timer);
    return idle;
  }

  /** The offset after a batch that finished after its queue was dropped (taken once); -1 when none. */
  takeDroppedCommit(processQueue: ProcessQueue): number {
    const offset = this.droppedCommits.get(processQueue) ?? -1;
    this.droppedCommits.delete(processQueue);
    return offset;
  }

  /** Stops taking batches and waits (at most `timeoutMs`) for those in the listeners. */
  async shutdown(timeoutMs: number): Promise<void> {
    this.stopped = true;
    for (const run of this.runs.values()) if (run.timer !== undefined) clearTimeout(run.timer);
    // Waiters get a slot each (and give it back at once, seeing `stopped`).
    const waiters = this.slotWaiters.splice(0);
    this.active += waiters.length;
    for (const waiter of waiters) waiter();
    const busy = [...this.runs.values()].flatMap((run) => (run.busy === undefined ? [] : [run.busy]));
    if (busy.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(busy), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
