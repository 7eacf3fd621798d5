/**
 * pull-message-service.ts: the push consumer's pull loop (DefaultMQPushConsumerImpl.pullMessage
 * and PullMessageService): one long-polling PULL_MESSAGE at a time per queue, the next as soon as
 * the answer is handled. Flow control pauses a queue for 50 ms while it holds more than
 * pullThresholdForQueue messages or pullThresholdSizeForQueue MiB, or spans more than
 * consumeConcurrentlyMaxSpan offsets (concurrent consumers only). A clustering orderly consumer pulls
 * a queue only while it holds the queue's broker lock. NO_NEW_MSG and NO_MATCHED_MSG move the offset on; OFFSET_ILLEGAL
 * rebuilds the queue at the broker's offset; a failure waits pullTimeDelayMillsWhenException.
 *
 * Invariants: a dropped ProcessQueue is never pulled again; every timer is cleared by stop().
 */
import { ResponseCode, type SubscriptionData } from '../../protocol/index.js';
import type { Logger } from '../../log/index.js';
import { MQClientError } from '../errors.js';
import type { MessageQueue } from '../message.js';
import { ReadOffsetType, type OffsetStore } from '../offset/offset-store.js';
import type { PushConsumerOptionsResolved } from '../options.js';
import type { ProcessQueue } from './process-queue.js';
import { buildPullSysFlag, type PullApi } from './pull-api.js';
import { decodePulledMessages, type PullRange, type ReceivedMessage } from './received-message.js';

const MiB = 1024 * 1024;
/** Pause of a queue over its flow-control thresholds, ms. */
export const PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50;
/** Pause after the broker answered FLOW_CONTROL, ms. */
const PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL = 20;
/** How long a broker holds a pull that finds nothing (BROKER_SUSPEND_MAX_TIME_MILLIS), ms. */
export const BROKER_SUSPEND_MAX_TIME_MILLIS = 15_000;
/** The client's timeout of such a pull (CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND), ms. */
export const CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND = 30_000;

export interface PullRequest {
  readonly queue: MessageQueue;
  readonly processQueue: ProcessQueue;
  nextOffset: number;
}

export interface PullHost {
  readonly options: PushConsumerOptionsResolved;
  readonly logger: Logger;
  readonly pullApi: PullApi;
  readonly offsetStore: OffsetStore;
  /** Orderly consumption: no span limit, and (clustering) no pull without the queue's lock. */
  consumeOrderly(): boolean;
  subscription(topic: string): SubscriptionData | undefined;
  submitConsumeRequest(messages: ReceivedMessage[], processQueue: ProcessQueue, queue: MessageQueue): void;
  /** OFFSET_ILLEGAL: the queue restarts at `nextOffset` (committed first). */
  fixOffset(request: PullRequest): Promise<void>;
}

/** A queue's batches pulled but not yet in its process queue: the last one's delivery and what they hold at most. */
interface Undelivered {
  tail: Promise<void>;
  count: number;
  bytes: number;
}

export class PullMessageService {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Pulls to send at the next setImmediate (see executePullRequestAfterFound). */
  private readonly dueNow: PullRequest[] = [];
  private dueNowImmediate: NodeJS.Immediate | undefined;
  /** Per queue, the FOUND batches being decoded after their next pull went out (see deliverAfterNextPull). */
  private readonly delivering = new WeakMap<PullRequest, Undelivered>();
  private stopped = false;

  constructor(private readonly host: PullHost) {}

  executePullRequestImmediately(request: PullRequest): void {
    this.executePullRequestLater(request, 0);
  }

  executePullRequestLater(request: PullRequest, delayMs: number): void {
    if (this.stopped || request.processQueue.dropped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.pullMessage(request);
    }, delayMs);
    this.timers.add(timer);
  }

  /**
   * The next pull of a queue whose pull just found messages, at once (after this turn's I/O) when
   * pullInterval is 0: setTimeout(0) waits at least 1 ms, which a queue followed at a few thousand
   * messages a second paid on every pull. (Only after FOUND: the broker made progress, so this
   * cannot spin.) The pulls due at once go out from one setImmediate, so their requests leave in
   * the same tick and share one socket write (the connection writes once per tick); at most one
   * entry per queue waits here.
   */
  private executePullRequestAfterFound(request: PullRequest, delayMs: number): void {
    if (delayMs > 0) return this.executePullRequestLater(request, delayMs);
    if (this.stopped || request.processQueue.dropped) return;
    this.dueNow.push(request);
    this.dueNowImmediate ??= setImmediate(() => {
      this.dueNowImmediate = undefined;
      for (const due of this.dueNow.splice(0)) void this.pullMessage(due);
    });
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearImmediate(this.dueNowImmediate);
    this.dueNowImmediate = undefined;
    this.dueNow.length = 0;
  }

  /**
   * Whether the next pull may leave before a batch of at most `count` messages and `bytes` is in
   * the process queue: only when flow control would let it leave with the batch (and the queue's
   * batches not yet delivered) counted, so a queue never holds more than the thresholds plus one
   * pull, as when every batch is decoded first. Orderly consumption keeps that order.
   */
  private roomBeforeDecoding(request: PullRequest, count: number, bytes: number): boolean {
    if (this.host.consumeOrderly()) return false;
    const undelivered = this.delivering.get(request);
    return this.flowControlDelay(request.processQueue, (undelivered?.count ?? 0) + count, (undelivered?.bytes ?? 0) + bytes) === 0;
  }

  /** The flow-control pause this queue needs now, or 0; `count` and `bytes` more are counted as held (their offsets at most `count` past the span). */
  private flowControlDelay(processQueue: ProcessQueue, count = 0, bytes = 0): number {
    const options = this.host.options;
    if (processQueue.msgCount + count > options.pullThresholdForQueue) return PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL;
    if ((processQueue.msgSize + bytes) / MiB > options.pullThresholdSizeForQueue) return PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL;
    if (!this.host.consumeOrderly() && processQueue.maxSpan() + count > options.consumeConcurrentlyMaxSpan) return PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL;
    return 0;
  }

  async pullMessage(request: PullRequest): Promise<void> {
    const { processQueue, queue } = request;
    if (this.stopped || processQueue.dropped) return;
    processQueue.lastPullTimestamp = Date.now();
    const pause = this.flowControlDelay(processQueue);
    if (pause > 0) return this.executePullRequestLater(request, pause);
    if (this.host.consumeOrderly() && this.host.options.messageModel === 'CLUSTERING' && !processQueue.locked) {
      return this.executePullRequestLater(request, this.host.options.pullTimeDelayMillsWhenException);
    }
    const subscription = this.host.subscription(queue.topic);
    if (subscription === undefined) return this.executePullRequestLater(request, this.host.options.pullTimeDelayMillsWhenException);
    const options = this.host.options;
    let commitOffset = 0;
    if (options.messageModel === 'CLUSTERING') commitOffset = await this.host.offsetStore.readOffset(queue, ReadOffsetType.READ_FROM_MEMORY);
    const withSubscription = options.postSubscriptionWhenPull && !subscription.classFilterMode;
    try {
      const response = await this.host.pullApi.request(queue, subscription, {
        offset: request.nextOffset,
        maxNums: options.pullBatchSize,
        maxBytes: options.pullBatchSizeInBytes,
        sysFlag: buildPullSysFlag(commitOffset > 0, true, withSubscription),
        commitOffset: Math.max(commitOffset, 0),
        suspendTimeoutMillis: BROKER_SUSPEND_MAX_TIME_MILLIS,
        timeoutMs: CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND,
        withSubscription,
      });
      if (this.stopped || processQueue.dropped) return;
      const body = response.status === 'FOUND' ? response.body : undefined;
      const count = response.nextBeginOffset - request.nextOffset;
      if (body !== undefined && options.pullInterval === 0 && this.roomBeforeDecoding(request, count, body.length)) {
        // FOUND with pullInterval 0 and room for the batch under flow control: the next pull is
        // due at once whatever the batch holds, so it goes out before the batch is decoded, and
        // the broker reads it while this client decodes.
        request.nextOffset = response.nextBeginOffset;
        const undelivered = this.delivering.get(request) ?? { tail: Promise.resolve(), count: 0, bytes: 0 };
        undelivered.count += count;
        undelivered.bytes += body.length;
        undelivered.tail = this.deliverAfterNextPull(undelivered, request, body, response, subscription, count);
        this.delivering.set(request, undelivered);
        this.executePullRequestAfterFound(request, 0);
        return;
      }
      // The queue's batch still being decoded goes into the process queue first: an answer with no
      // messages commits the next offset when the process queue is empty.
      await this.delivering.get(request)?.tail;
      const messages = body === undefined ? [] : await decodePulledMessages(body, queue, response, subscription);
      if (this.stopped || processQueue.dropped) return;
      await this.onPullResult(request, response.status, response.nextBeginOffset, messages);
    } catch (error) {
      if (this.stopped || processQueue.dropped) return;
      const flowControl = error instanceof MQClientError && error.code === ResponseCode.FLOW_CONTROL;
      if (!queue.topic.startsWith('%RETRY%')) this.host.logger.warn({ err: error, queue: queue.toString() }, 'pull message failed');
      this.executePullRequestLater(request, flowControl ? PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL : options.pullTimeDelayMillsWhenException);
    }
  }

  /**
   * A FOUND batch whose next pull is already out: decoded after that pull was sent (the pulls due
   * now leave from a setImmediate queued before this one) and after the queue's previous batch, so
   * batches reach the process queue in pull order; then handed to consumption as onPullResult does.
   */
  private async deliverAfterNextPull(
    undelivered: Undelivered,
    request: PullRequest,
    body: Buffer,
    range: PullRange,
    subscription: SubscriptionData,
    count: number,
  ): Promise<void> {
    await undelivered.tail;
    await new Promise<void>((resolve) => setImmediate(resolve));
    const { processQueue, queue } = request;
    try {
      if (this.stopped || processQueue.dropped) return;
      const messages = await decodePulledMessages(body, queue, range, subscription);
      if (this.stopped || processQueue.dropped || messages.length === 0) return;
      processQueue.putMessage(messages);
      this.host.submitConsumeRequest(messages, processQueue, queue);
    } catch (error) {
      this.host.logger.error({ err: error, queue: queue.toString() }, 'decoding pulled messages failed');
    } finally {
      undelivered.count -= count;
      undelivered.bytes -= body.length;
    }
  }

  private async onPullResult(request: PullRequest, status: string, nextBeginOffset: number, messages: ReceivedMessage[]): Promise<void> {
    const { processQueue, queue } = request;
    switch (status) {
      case 'FOUND':
        request.nextOffset = nextBeginOffset;
        if (messages.length === 0) return this.executePullRequestAfterFound(request, 0);
        processQueue.putMessage(messages);
        // The next pull is scheduled before the consumption, so it goes out first (both start
        // from setImmediate) and its round trip overlaps the listener's work.
        this.executePullRequestAfterFound(request, this.host.options.pullInterval);
        return this.host.submitConsumeRequest(messages, processQueue, queue);
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        request.nextOffset = nextBeginOffset;
        // correctTagsOffset: nothing is held, so everything up to here is consumed.
        if (processQueue.msgCount === 0) this.host.offsetStore.updateOffset(queue, nextBeginOffset, true);
        return this.executePullRequestImmediately(request);
      default:
        this.host.logger.warn({ queue: queue.toString(), offset: request.nextOffset, nextBeginOffset }, 'the pull request offset illegal');
        request.nextOffset = nextBeginOffset;
        processQueue.dropped = true;
        await this.host.fixOffset(request);
    }
  }
}
