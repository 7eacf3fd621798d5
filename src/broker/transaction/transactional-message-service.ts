/**
 * transactional-message-service.ts: transactional messages on this broker (TransactionalMessageService,
 * TransactionalMessageBridge, AbstractTransactionalMessageCheckListener), wiring the pieces:
 * the send path stores half messages through prepare(); END_TRANSACTION goes to end()
 * (end-transaction.ts); the check service asks producers about open ones (check-service.ts); the
 * state and the check progress live in transaction-state.ts.
 *
 * Lifecycle: load() after the store starts (reads the progress and what follows it), start()
 * begins the check rounds, shutdown() stops them before the store stops. END_TRANSACTION waits for
 * load() to finish, so no decision is judged on a partial state.
 * Must not: block on a producer: checks are oneway writes.
 */
import { encodeRecord, findProperty, measureRecord, MessageConst, TopicNames, type MessageRecord, type UniqueIdGenerator } from '../../message/index.js';
import { CheckTransactionStateRequestHeader, PermName, RequestCode, type EndTransactionRequestHeader } from '../../protocol/index.js';
import type { HandlerResult } from '../../remoting/index.js';
import type { AppendedMessage, MessageStore, PutMessageRequest } from '../../store/index.js';
import type { Clock } from '../../time/index.js';
import type { Logger } from '../../log/index.js';
import type { ProducerManager } from '../client/producer-manager.js';
import type { ConsumerOffsetManager } from '../offset/consumer-offset-manager.js';
import type { TopicConfigManager } from '../topic/topic-config-manager.js';
import { TransactionCheckService, type CheckSettings, type RoundResult } from './check-service.js';
import { endTransaction } from './end-transaction.js';
import { TransactionState } from './transaction-state.js';
import { checkedMessage, opMessage, toHalfMessage } from './transactional-message-util.js';

export interface TransactionalMessageServiceOptions {
  readonly store: MessageStore;
  readonly offsets: ConsumerOffsetManager;
  readonly producers: ProducerManager;
  readonly topics: TopicConfigManager;
  readonly settings: CheckSettings;
  readonly maxMessageSize: number;
  /** The broker's address as stored in records (born host of op messages). */
  readonly storeHost: Buffer;
  readonly brokerName: string;
  readonly uniqueIds: UniqueIdGenerator;
  /** Where a committed message goes first (the schedule, for a delay level). */
  readonly route: (request: PutMessageRequest, now: number) => PutMessageRequest;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** TCMT_QUEUE_NUMS: queues of TRANS_CHECK_MAX_TIME_TOPIC. */
const DISCARD_TOPIC_QUEUE_NUMS = 1;

export class TransactionalMessageService {
  readonly state: TransactionState;
  private readonly checks: TransactionCheckService;
  private readonly logger: Logger;
  private loaded: Promise<void> | undefined;

  constructor(private readonly options: TransactionalMessageServiceOptions) {
    this.logger = options.logger.child({ component: 'transaction' });
    this.state = new TransactionState(options.store, options.offsets, this.logger);
    this.checks = new TransactionCheckService({
      store: options.store,
      state: this.state,
      settings: options.settings,
      clock: options.clock,
      logger: this.logger,
      sendCheck: (record, copy, properties) => this.sendCheck(record, copy, properties),
      writeOp: (offsets) => this.writeOp(offsets),
      ensureDiscardTopic: () => {
        options.topics.createInSendMessageBack(TopicNames.TRANS_CHECK_MAX_TIME_TOPIC, DISCARD_TOPIC_QUEUE_NUMS, PermName.READ | PermName.WRITE, 0);
      },
    });
  }

  /** Reads the check progress and the open transactions after it. */
  load(): Promise<void> {
    this.loaded ??= this.state.load();
    return this.loaded;
  }

  start(): void {
    this.checks.start();
  }

  /** Stops the check rounds (waiting for one in progress). */
  async shutdown(): Promise<void> {
    await this.checks.shutdown();
  }

  /** The half message a transactional send is stored as. */
  prepare(request: PutMessageRequest, uniqKey: string): PutMessageRequest {
    return toHalfMessage(request, uniqKey);
  }

  /** END_TRANSACTION from the producer at `peer`. */
  async end(header: EndTransactionRequestHeader, peer: string): Promise<HandlerResult> {
    await this.load();
    const { store, settings, maxMessageSize, clock, route } = this.options;
    return endTransaction(
      {
        state: this.state,
        transactionTimeOutMs: settings.transactionTimeOut,
        maxMessageSize,
        now: () => clock.now(),
        lookMessageByOffset: (offset) => store.lookMessageByOffset(offset),
        putCommitted: (request) => store.putMessage(route(request, clock.now())),
        writeOp: (offsets) => this.writeOp(offsets),
        logger: this.logger,
      },
      header,
      peer,
    );
  }

  /** Runs a check round now (or joins the one running); for tests and admin use. */
  check(): Promise<RoundResult> {
    return this.checks.check();
  }

  private async writeOp(offsets: readonly number[]): Promise<boolean> {
    const { store, storeHost, uniqueIds, clock } = this.options;
    const now = clock.now();
    try {
      const result = await store.putMessage(opMessage(offsets, { host: storeHost, timestamp: now, uniqKey: uniqueIds.next(now) }));
      if ('messages' in result) return true;
      this.logger.error({ offsets, status: result.status, reason: result.reason }, 'storing a transaction op message failed');
    } catch (error) {
      this.logger.error({ offsets, err: error }, 'storing a transaction op message failed');
    }
    return false;
  }

  /** CHECK_TRANSACTION_STATE (39), oneway, to a connected producer of the half's group (sendCheckMessage). */
  private sendCheck(record: MessageRecord, copy: AppendedMessage, copyProperties: string): boolean {
    const group = findProperty(record.properties, MessageConst.PRODUCER_GROUP);
    const channel = group === undefined ? undefined : this.options.producers.availableChannel(group);
    if (channel === undefined) return false;
    const uniqKey = findProperty(record.properties, MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    const extFields = CheckTransactionStateRequestHeader.encode({
      topic: record.topic,
      tranStateTableOffset: copy.queueOffset,
      commitLogOffset: copy.commitLogOffset,
      msgId: uniqKey,
      transactionId: uniqKey,
      offsetMsgId: copy.msgId,
      brokerName: this.options.brokerName,
    });
    const message = checkedMessage(record, { properties: copyProperties, queueOffset: copy.queueOffset, commitLogOffset: copy.commitLogOffset });
    const measure = measureRecord(message);
    const body = Buffer.allocUnsafe(measure.size);
    encodeRecord(message, measure, body, 0);
    channel.connection.invokeOneway({ code: RequestCode.CHECK_TRANSACTION_STATE, extFields, body });
    this.logger.info({ group, client: channel.clientId, msgId: uniqKey, queueOffset: copy.queueOffset }, 'asked a producer about a transaction');
    return true;
  }
}
