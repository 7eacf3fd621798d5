/**
 * check-service.ts: asking producers about transactions left open (TransactionalMessageCheckService,
 * TransactionalMessageServiceImpl.check). Every transactionCheckInterval a round reads the half
 * queue from the check progress, in order, and for each half:
 * - skips it when its transaction is over (an op names it or its origin);
 * - discards it when it was checked transactionCheckMax times already, or is older than the store
 *   keeps files (fileReservedTime): it moves to TRANS_CHECK_MAX_TIME_TOPIC and the op records it;
 * - stops, unless the half carries CHECK_IMMUNITY_TIME_IN_SECONDS, at a half younger than
 *   transactionTimeOut (later ones are younger);
 * - puts a half still within its immunity time back at the end of the queue, unchecked;
 * - else puts a copy with TRANSACTION_CHECK_TIMES + 1 at the end of the queue and sends
 *   CHECK_TRANSACTION_STATE about the copy to a live producer of its group (PGROUP), oneway.
 * A round reads up to the end of the half queue as it was when the round began, so it never meets
 * the copies it makes (Java stops at a half stored after the round began, which also stops at
 * one stored in the same millisecond). The progress then moves past what was handled. Java counts
 * immunity put-backs as checks, which can discard a message before its first check; here they do
 * not count.
 * Bounds: CHECKS_PER_ROUND_MAX checks and ROUND_TIME_MAX_MS (Java's MAX_PROCESS_TIME_LIMIT) per
 * round; a failed put stops the round, which starts again at that half next time.
 * Must not: run two rounds at once, or outlive shutdown().
 */
import { decodeRecord, findProperty, MessageConst, TopicNames, type MessageRecord } from '../../message/index.js';
import type { AppendedMessage, MessageStore, PutMessageRequest } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { checkTimesOf, discardedMessage, halfCopy, HALF_QUEUE_ID, immunityTimeMs, originOf } from './transactional-message-util.js';
import type { TransactionState } from './transaction-state.js';

export const CHECKS_PER_ROUND_MAX = 10_000;
export const ROUND_TIME_MAX_MS = 60_000;
/** Node fires longer timeouts at once. */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;
const READ_BATCH = 32;
const HOUR_MS = 3_600_000;

export interface CheckSettings {
  readonly transactionTimeOut: number;
  readonly transactionCheckMax: number;
  readonly transactionCheckInterval: number;
  /** MessageStoreConfig.fileReservedTime, hours. */
  readonly fileReservedTime: number;
}

export interface CheckServiceDeps {
  readonly store: MessageStore;
  readonly state: TransactionState;
  readonly settings: CheckSettings;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Sends CHECK_TRANSACTION_STATE about `copy` of `record`; false when no producer of its group is connected. */
  sendCheck(record: MessageRecord, copy: AppendedMessage, copyProperties: string): boolean;
  /** Records finished half offsets in the op queue. */
  writeOp(offsets: readonly number[]): Promise<boolean>;
  /** Creates TRANS_CHECK_MAX_TIME_TOPIC if it does not exist yet. */
  ensureDiscardTopic(): void;
}

/** What a round did, for logs and tests. */
export interface RoundResult {
  checked: number;
  discarded: number;
  skipped: number;
  putBack: number;
  halfProgress: number;
}

type Step = 'next' | 'stop';

function decodeAll(records: readonly Buffer[]): MessageRecord[] {
  const messages: MessageRecord[] = [];
  for (const bytes of records) {
    const decoded = decodeRecord(bytes, 0);
    if (decoded.kind === 'MESSAGE') messages.push(decoded.message);
  }
  return messages;
}

export class TransactionCheckService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<RoundResult> | undefined;
  private stopped = true;

  constructor(private readonly deps: CheckServiceDeps) {}

  /** Starts the periodic rounds; the first one runs one interval from now, as Java's. */
  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.check().finally(() => this.schedule());
    }, Math.min(this.deps.settings.transactionCheckInterval, TIMEOUT_MS_MAX));
    // The broker's server keeps the process alive; the check timer alone should not.
    this.timer.unref();
  }

  /** One round now, or the one already running; never throws (failures are logged). */
  check(): Promise<RoundResult> {
    this.running ??= this.round()
      .catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'transaction check round failed');
        return { checked: 0, discarded: 0, skipped: 0, putBack: 0, halfProgress: this.deps.state.halfProgress };
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<RoundResult> {
    const { store, state, clock } = this.deps;
    const started = clock.now();
    const result: RoundResult = { checked: 0, discarded: 0, skipped: 0, putBack: 0, halfProgress: state.halfProgress };
    let offset = state.halfProgress;
    const halfMax = store.getMaxOffsetInQueue(TopicNames.TRANS_HALF_TOPIC, HALF_QUEUE_ID);
    scan: while (offset < halfMax && !this.stopped && result.checked < CHECKS_PER_ROUND_MAX && clock.now() - started < ROUND_TIME_MAX_MS) {
      const read = await store.getMessage({ topic: TopicNames.TRANS_HALF_TOPIC, queueId: HALF_QUEUE_ID, offset, maxMsgNums: READ_BATCH });
      if (read.status !== 'FOUND') {
        // Removed by retention, or nothing readable yet: move on only when the store says where to.
        if (read.nextBeginOffset <= offset || read.status === 'OFFSET_FOUND_NULL') break;
        offset = read.nextBeginOffset;
        continue;
      }
      for (const record of decodeAll(read.records)) {
        if (record.queueOffset < offset) continue;
        if (record.queueOffset >= halfMax) break scan;
        if ((await this.step(record, result)) === 'stop') break scan;
        offset = record.queueOffset + 1;
        if (result.checked >= CHECKS_PER_ROUND_MAX) break scan;
      }
      offset = Math.max(offset, read.nextBeginOffset);
    }
    state.advance(offset);
    result.halfProgress = state.halfProgress;
    if (result.checked + result.discarded + result.putBack > 0) this.deps.logger.info({ ...result }, 'transaction check round');
    return result;
  }

  private async step(record: MessageRecord, result: RoundResult): Promise<Step> {
    const { state, settings, clock } = this.deps;
    if (state.isFinished(record)) {
      result.skipped++;
      return 'next';
    }
    const checkTimes = checkTimesOf(record);
    const now = clock.now();
    if (checkTimes >= settings.transactionCheckMax || now - record.bornTimestamp > settings.fileReservedTime * HOUR_MS) {
      if (!(await this.discard(record))) return 'stop';
      result.discarded++;
      return 'next';
    }
    if (!state.hasRoomForCopy()) return 'stop';
    const age = now - record.bornTimestamp;
    const immunityMs = immunityTimeMs(record, settings.transactionTimeOut);
    if (immunityMs !== undefined && age <= immunityMs) {
      const copy = await this.putBack(record, halfCopy(record, checkTimes));
      if (copy === undefined) return 'stop';
      result.putBack++;
      return 'next';
    }
    if (immunityMs === undefined && age >= 0 && age <= settings.transactionTimeOut) return 'stop';
    const request = halfCopy(record, checkTimes + 1);
    const copy = await this.putBack(record, request);
    if (copy === undefined) return 'stop';
    result.checked++;
    // A decision may have landed while the copy was stored: then there is nothing to ask.
    if (!state.isFinished(record) && !this.deps.sendCheck(record, copy, request.properties)) {
      this.deps.logger.warn({ group: findProperty(record.properties, MessageConst.PRODUCER_GROUP), queueOffset: copy.queueOffset }, 'no producer of the group to check a transaction with');
    }
    return 'next';
  }

  /** Stores a copy at the end of the half queue and remembers it; undefined when it could not. */
  private async putBack(record: MessageRecord, request: PutMessageRequest): Promise<AppendedMessage | undefined> {
    const { state, store, logger } = this.deps;
    const origin = originOf(record);
    const result = await store.putMessage(request);
    const copy = 'messages' in result ? result.messages[0] : undefined;
    if (copy === undefined) {
      logger.error({ queueOffset: record.queueOffset, status: result.status }, 'putting a half message back failed; the round stops');
      return undefined;
    }
    state.addCopy(copy.queueOffset, origin);
    return copy;
  }

  /** Moves a half to TRANS_CHECK_MAX_TIME_TOPIC and records it as over (resolveDiscardMsg). */
  private async discard(record: MessageRecord): Promise<boolean> {
    const { state, store, logger } = this.deps;
    const origin = originOf(record);
    state.finish(origin);
    this.deps.ensureDiscardTopic();
    const result = await store.putMessage(discardedMessage(record));
    if (!('messages' in result)) {
      state.unfinish(origin);
      logger.error({ queueOffset: record.queueOffset, status: result.status }, 'moving a half message to TRANS_CHECK_MAX_TIME_TOPIC failed');
      return false;
    }
    logger.warn(
      { queueOffset: record.queueOffset, realTopic: findProperty(record.properties, MessageConst.REAL_TOPIC), checks: checkTimesOf(record) },
      'a half message was checked too many times (or is too old) and moved to TRANS_CHECK_MAX_TIME_TOPIC',
    );
    const offsets = record.queueOffset === origin ? [origin] : [origin, record.queueOffset];
    if (!(await this.deps.writeOp(offsets))) logger.warn({ origin }, 'the op message of a discard could not be stored');
    return true;
  }
}
