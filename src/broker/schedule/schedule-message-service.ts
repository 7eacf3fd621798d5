/**
 * schedule-message-service.ts: delivers delayed messages when they are due (ScheduleMessageService
 * .java). Each delay level has a queue in SCHEDULE_TOPIC_XXXX (level - 1) whose entries are in due
 * order (same delay, increasing store time), and a ConsumeQueue tagsCode holding the due time.
 * Per level, a round reads from the level's offset, re-puts every due message to its real topic
 * and queue, and stops at the first one not yet due; a timer set to that due time starts the next
 * round. A message arriving in an idle level wakes it (onMessageArrived), so nothing polls.
 *
 * Progress: the offset of each level is written to <storePathRootDir>/config/delayOffset.json
 * (Java's format) after every batch of re-puts and on shutdown. A re-put is stored before its
 * offset moves, so a crash between the two delivers that batch again after the restart:
 * at-least-once on a crash, exactly once across a clean restart.
 *
 * Invariants: at most one round per level at a time; every level's offset only grows while
 * running (start() clamps loaded offsets into the queue's range). Transient put failures
 * (store busy or unavailable) are retried with a capped backoff, never dropped; messages that can
 * never be stored (illegal, no real topic) are skipped with an error log so a level cannot jam.
 * Must not: deliver before the due time; run before the store starts or after it stops.
 */
import { decodeRecord, TopicNames, type MessageRecord } from '../../message/index.js';
import { decodeDelayOffsetTable, encodeDelayOffsetTable, type DataVersion } from '../../protocol/index.js';
import type { MessageArrivedListener, MessageFilter, MessageStore } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import { ConfigFile } from '../persist/config-file.js';
import { levelOfQueueId, queueIdOfLevel, type DelayLevelTable } from './delay-levels.js';
import { messageTimeUp } from './schedule-route.js';

/** Messages read (and re-put concurrently) per batch; the store caps a read at 32 anyway. */
const BATCH_MESSAGES_MAX = 32;
/** Batches one round delivers before it yields to the event loop and goes on in a new round. */
const ROUND_BATCHES_MAX = 64;
const RETRY_DELAY_MIN_MS = 100;
const RETRY_DELAY_MAX_MS = 10_000;
/** Node fires longer timeouts at once; a later due time is re-checked when this one fires. */
const TIMEOUT_MS_MAX = 2 ** 31 - 1;

type Next = { readonly kind: 'more' } | { readonly kind: 'idle' } | { readonly kind: 'at'; readonly at: number } | { readonly kind: 'retry' };

interface LevelState {
  readonly level: number;
  readonly delayMs: number;
  offset: number;
  timer: NodeJS.Timeout | undefined;
  timerAt: number;
  running: Promise<void> | undefined;
  rerun: boolean;
  failures: number;
}

/**
 * Accepts ConsumeQueue entries that are due and rejects the first one that is not and all after
 * it, remembering when that one is due. A due time further away than the level's delay (the
 * clock went back, or the level was shortened) counts as due now (correctDeliverTimestamp).
 */
class DueFilter implements MessageFilter {
  notDueAt: number | undefined;

  constructor(
    private readonly now: number,
    private readonly delayMs: number,
  ) {}

  isMatchedByConsumeQueue(tagsCode: number): boolean {
    if (this.notDueAt !== undefined) return false;
    const dueAt = tagsCode > this.now + this.delayMs ? this.now : tagsCode;
    if (dueAt <= this.now) return true;
    this.notDueAt = dueAt;
    return false;
  }
}

export interface ScheduleMessageServiceOptions {
  readonly store: MessageStore;
  readonly levels: DelayLevelTable;
  /** delayOffset.json */
  readonly path: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export class ScheduleMessageService {
  private readonly states = new Map<number, LevelState>();
  /** Offsets of levels no longer configured, kept so the file does not lose them. */
  private readonly staleOffsets = new Map<number, number>();
  private readonly file: ConfigFile;
  private readonly logger: Logger;
  private version: DataVersion;
  private stopped = true;

  constructor(private readonly options: ScheduleMessageServiceOptions) {
    this.logger = options.logger.child({ component: 'schedule' });
    this.file = new ConfigFile(options.path, () => this.encode(), this.logger);
    this.version = { stateVersion: 0, timestamp: options.clock.now(), counter: 0 };
    for (const level of options.levels.levels()) {
      const delayMs = options.levels.delayMs(level) ?? 0;
      this.states.set(level, { level, delayMs, offset: 0, timer: undefined, timerAt: 0, running: undefined, rerun: false, failures: 0 });
    }
  }

  /** Reads delayOffset.json (or its .bak); levels it lacks start at offset 0. */
  async load(): Promise<void> {
    await this.file.load((text) => {
      const table = decodeDelayOffsetTable(text, 'delayOffset.json');
      for (const [level, offset] of table.offsetTable) {
        const state = this.states.get(level);
        if (state) state.offset = offset;
        else this.staleOffsets.set(level, offset);
      }
      if (table.dataVersion !== undefined) this.version = table.dataVersion;
    });
  }

  /** Clamps each level's offset into its queue's range (correctDelayOffset), then starts every level. */
  start(): void {
    const { store } = this.options;
    for (const state of this.states.values()) {
      const queueId = queueIdOfLevel(state.level);
      const min = store.getMinOffsetInQueue(TopicNames.SCHEDULE_TOPIC, queueId);
      const max = store.getMaxOffsetInQueue(TopicNames.SCHEDULE_TOPIC, queueId);
      const corrected = Math.min(Math.max(state.offset, min), max);
      if (corrected !== state.offset) {
        this.logger.error({ level: state.level, offset: state.offset, min, max, corrected }, 'delay offset outside its schedule queue; corrected');
        state.offset = corrected;
      }
    }
    this.stopped = false;
    for (const state of this.states.values()) this.run(state);
  }

  /** Stops every level, waits for rounds in flight, and writes the offsets. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const state of this.states.values()) this.clearTimer(state);
    await Promise.all([...this.states.values()].map((state) => state.running));
    this.changed();
    await this.file.flush();
  }

  /** Store arrival listener: a message in a schedule queue may be due before its level's timer. */
  readonly onMessageArrived: MessageArrivedListener = (event) => {
    if (event.topic !== TopicNames.SCHEDULE_TOPIC) return;
    const state = this.states.get(levelOfQueueId(event.queueId));
    if (state !== undefined) this.wake(state, event.tagsCode);
  };

  /** The next offset to deliver of each level (for GET_ALL_DELAY_OFFSET and tests). */
  offsets(): Map<number, number> {
    const offsets = new Map(this.staleOffsets);
    for (const state of this.states.values()) offsets.set(state.level, state.offset);
    return offsets;
  }

  /** delayOffset.json / the GET_ALL_DELAY_OFFSET body. */
  encode(): string {
    return encodeDelayOffsetTable({ offsetTable: this.offsets(), dataVersion: this.version });
  }

  /** Makes sure a round runs by `at`. */
  private wake(state: LevelState, at: number): void {
    if (this.stopped) return;
    if (state.running) {
      state.rerun = true;
      return;
    }
    if (state.timer !== undefined && state.timerAt <= at) return;
    this.setTimer(state, at);
  }

  private setTimer(state: LevelState, at: number): void {
    this.clearTimer(state);
    const delayMs = Math.min(Math.max(0, at - this.options.clock.now()), TIMEOUT_MS_MAX);
    state.timerAt = at;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.run(state);
    }, delayMs);
    // The broker's server keeps the process alive; a level's timer alone should not.
    state.timer.unref();
  }

  private clearTimer(state: LevelState): void {
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.timer = undefined;
  }

  private run(state: LevelState): void {
    if (this.stopped) return;
    if (state.running) {
      state.rerun = true;
      return;
    }
    this.clearTimer(state);
    state.running = this.round(state)
      .catch((error: unknown): Next => {
        this.logger.error({ err: error, level: state.level, offset: state.offset }, 'delivering delayed messages failed; retrying');
        return { kind: 'retry' };
      })
      .then((next) => {
        state.running = undefined;
        this.after(state, next);
      });
  }

  /** Decides when the level runs again. */
  private after(state: LevelState, next: Next): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    if (next.kind === 'retry') {
      state.failures++;
      state.rerun = false;
      this.setTimer(state, now + Math.min(RETRY_DELAY_MAX_MS, RETRY_DELAY_MIN_MS * 2 ** Math.min(state.failures - 1, 16)));
      return;
    }
    state.failures = 0;
    if (state.rerun || next.kind === 'more') {
      state.rerun = false;
      this.setTimer(state, now);
    } else if (next.kind === 'at') {
      this.setTimer(state, next.at);
    }
  }

  private async round(state: LevelState): Promise<Next> {
    for (let batch = 0; batch < ROUND_BATCHES_MAX; batch++) {
      if (this.stopped) return { kind: 'idle' };
      const next = await this.deliverBatch(state);
      if (next.kind !== 'more') return next;
    }
    return { kind: 'more' };
  }

  private async deliverBatch(state: LevelState): Promise<Next> {
    const now = this.options.clock.now();
    const due = new DueFilter(now, state.delayMs);
    const result = await this.options.store.getMessage({
      topic: TopicNames.SCHEDULE_TOPIC,
      queueId: queueIdOfLevel(state.level),
      offset: state.offset,
      maxMsgNums: BATCH_MESSAGES_MAX,
      filter: due,
    });
    switch (result.status) {
      case 'NO_MESSAGE_IN_QUEUE':
      case 'OFFSET_OVERFLOW_ONE':
        return { kind: 'idle' };
      case 'OFFSET_FOUND_NULL':
        return { kind: 'retry' };
      case 'OFFSET_TOO_SMALL':
      case 'OFFSET_OVERFLOW_BADLY':
        this.logger.error({ level: state.level, offset: state.offset, next: result.nextBeginOffset }, 'delay offset outside its schedule queue; moved');
        state.offset = result.nextBeginOffset;
        this.changed();
        return { kind: 'more' };
      default:
        break;
    }
    if (!(await this.deliverRecords(state, result.records))) return { kind: 'retry' };
    if (due.notDueAt !== undefined) return { kind: 'at', at: due.notDueAt };
    // Everything looked at was delivered or is gone from the CommitLog.
    if (result.nextBeginOffset > state.offset) {
      state.offset = result.nextBeginOffset;
      this.changed();
    }
    return state.offset < result.maxOffset ? { kind: 'more' } : { kind: 'idle' };
  }

  /**
   * Re-puts due records (concurrently: the store keeps the call order) and moves the offset past
   * each one stored or skipped, in order; false when one must be tried again.
   */
  private async deliverRecords(state: LevelState, records: readonly Buffer[]): Promise<boolean> {
    if (records.length === 0) return true;
    const decoded: MessageRecord[] = [];
    for (const bytes of records) {
      const result = decodeRecord(bytes, 0);
      if (result.kind !== 'MESSAGE') {
        this.logger.error({ level: state.level, offset: state.offset, kind: result.kind }, 'unreadable record in a schedule queue');
        break;
      }
      decoded.push(result.message);
    }
    const outcomes = await Promise.all(decoded.map((record) => this.deliver(state.level, record)));
    const before = state.offset;
    let complete = decoded.length === records.length;
    for (const [index, outcome] of outcomes.entries()) {
      const record = decoded[index];
      if (outcome === 'retry' || record === undefined) {
        complete = false;
        break;
      }
      state.offset = record.queueOffset + 1;
    }
    if (state.offset !== before) this.changed();
    return complete;
  }

  private async deliver(level: number, record: MessageRecord): Promise<'stored' | 'skipped' | 'retry'> {
    const where = { level, queueOffset: record.queueOffset, commitLogOffset: record.commitLogOffset };
    const timeUp = messageTimeUp(record);
    if (!timeUp.ok) {
      this.logger.error({ ...where, reason: timeUp.reason }, 'a delayed message cannot be delivered; skipped');
      return 'skipped';
    }
    let result;
    try {
      result = await this.options.store.putMessage(timeUp.request);
    } catch (error) {
      this.logger.error({ ...where, err: error }, 'storing a due delayed message failed');
      return 'retry';
    }
    switch (result.status) {
      case 'PUT_OK':
      case 'FLUSH_DISK_TIMEOUT':
        return 'stored';
      case 'MESSAGE_ILLEGAL':
      case 'PROPERTIES_SIZE_EXCEEDED':
        this.logger.error({ ...where, status: result.status, reason: result.reason }, 'the store refuses a due delayed message; skipped');
        return 'skipped';
      default:
        this.logger.warn({ ...where, status: result.status, reason: result.reason }, 'the store cannot take a due delayed message now');
        return 'retry';
    }
  }

  private changed(): void {
    this.version = { ...this.version, timestamp: this.options.clock.now(), counter: this.version.counter + 1 };
    void this.file.persist();
  }
}
