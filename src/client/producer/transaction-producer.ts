/**
 * transaction-producer.ts: TransactionProducer, RocketMQ's TransactionMQProducer: a Producer whose
 * sendInTransaction() sends a half message (TRAN_MSG=true, PGROUP=the group; any delay level is
 * dropped, as Java), runs the local transaction when the broker stored it, and ends it with
 * END_TRANSACTION (37), oneway as Java: COMMIT writes the message to its topic, ROLLBACK drops it,
 * UNKNOWN leaves the broker to ask later. A half that was not stored cleanly (FLUSH_DISK_TIMEOUT,
 * ...) is rolled back without running the local transaction. A local transaction that throws
 * counts as UNKNOWN, and its error goes to the broker in the remark.
 *
 * When the broker asks (CHECK_TRANSACTION_STATE 39, routed here by the client instance by the half
 * message's PGROUP), `checker` decides and the answer goes back on the broker's connection as
 * END_TRANSACTION with fromTransactionCheck=true; UNKNOWN (or a throwing checker) is sent too and
 * the broker asks again later. Checks run checkThreadPoolMaxSize at a time (Java: 1) and at most
 * checkRequestHoldMax wait (Java: 2000); more are dropped with a warning, as Java's executor
 * refuses them, since the broker asks again next round.
 * Must not: send a half message anywhere but through Producer.send (one send path).
 */
import { decodeOffsetMessageId, decodeProperties, MessageConst, MessageSysFlag, type MessageRecord } from '../../message/index.js';
import { EndTransactionRequestHeader, RequestCode } from '../../protocol/index.js';
import { decompressBody } from '../compression.js';
import { ReceivedMessage } from '../consumer/received-message.js';
import type { TransactionCheck } from '../core/broker-requests.js';
import type { ProducerInner } from '../core/client-instance.js';
import { ClientErrorCode, illegalArgument, MQClientError } from '../errors.js';
import { Message, type MessageExt, type MessageInit } from '../message.js';
import { withoutNamespace, wrapNamespace } from '../namespace.js';
import type { ProducerOptions } from '../options.js';
import { Producer } from './producer.js';
import type { SendResult } from './send-path.js';

/** LocalTransactionState: COMMIT_MESSAGE, ROLLBACK_MESSAGE, UNKNOW. */
export type LocalTransactionState = 'COMMIT' | 'ROLLBACK' | 'UNKNOWN';
/** Runs the local transaction of a half message the broker stored (TransactionListener.executeLocalTransaction). */
export type LocalTransactionExecutor = (message: Message) => LocalTransactionState | Promise<LocalTransactionState>;
/** Tells the broker how a transaction ended (TransactionListener.checkLocalTransaction). */
export type TransactionChecker = (message: MessageExt) => LocalTransactionState | Promise<LocalTransactionState>;

export interface TransactionProducerOptions extends ProducerOptions {
  readonly checker: TransactionChecker;
  /** Checks answered at once (checkThreadPoolMaxSize, Java 1). */
  readonly checkThreadPoolMaxSize?: number;
  /** Checks that may wait (checkRequestHoldMax, Java 2000); more are dropped. */
  readonly checkRequestHoldMax?: number;
}

export interface TransactionSendResult extends SendResult {
  readonly localTransactionState: LocalTransactionState;
}

const TRANSACTION_TYPE: Readonly<Record<LocalTransactionState, number>> = {
  COMMIT: MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  ROLLBACK: MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
  UNKNOWN: MessageSysFlag.TRANSACTION_NOT_TYPE,
};
const CHECK_CONCURRENCY_MAX = 1000;
const CHECK_QUEUE_MAX = 1_000_000;

interface CheckSettings {
  readonly checker: TransactionChecker;
  readonly concurrency: number;
  readonly queueMax: number;
}

function positiveInt(value: number | undefined, fallback: number, max: number, name: string): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < 1 || chosen > max) throw illegalArgument(`invalid TransactionProducer options:\n  ${name}: ${String(chosen)} is outside 1..${max}`);
  return chosen;
}

/** Splits the options: the Producer's are validated by Producer, these here. */
function splitOptions(options: TransactionProducerOptions): { producer: ProducerOptions; checks: CheckSettings } {
  const { checker, checkThreadPoolMaxSize, checkRequestHoldMax, ...producer } = options;
  if (typeof checker !== 'function') throw illegalArgument('invalid TransactionProducer options:\n  checker: is not a function');
  return {
    producer,
    checks: {
      checker,
      concurrency: positiveInt(checkThreadPoolMaxSize, 1, CHECK_CONCURRENCY_MAX, 'checkThreadPoolMaxSize'),
      queueMax: positiveInt(checkRequestHoldMax, 2000, CHECK_QUEUE_MAX, 'checkRequestHoldMax'),
    },
  };
}

/** A state from user code; anything else is UNKNOWN, as Java treats a null state. */
function stateOf(value: unknown): LocalTransactionState {
  return value === 'COMMIT' || value === 'ROLLBACK' ? value : 'UNKNOWN';
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export class TransactionProducer extends Producer {
  private readonly checks: CheckSettings;
  private readonly waiting: TransactionCheck[] = [];
  private running = 0;
  private closed = false;

  constructor(options: TransactionProducerOptions) {
    const { producer, checks } = splitOptions(options);
    super(producer);
    this.checks = checks;
  }

  private get wireGroup(): string {
    return wrapNamespace(this.options.namespace, this.options.groupName);
  }

  protected override producerInner(): ProducerInner {
    return { ...super.producerInner(), checkTransactionState: (check) => this.onCheck(check) };
  }

  /** Stops answering checks (those waiting are dropped), then shuts the producer down. */
  override async shutdown(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    await super.shutdown();
  }

  /** Sends `message` as a half message, runs `executor`, and ends the transaction as it says. */
  async sendInTransaction(message: Message | MessageInit, executor: LocalTransactionExecutor): Promise<TransactionSendResult> {
    if (typeof executor !== 'function') throw illegalArgument('tranExecutor is null');
    const msg = message instanceof Message ? message : new Message(message);
    msg.properties.delete(MessageConst.DELAY_TIME_LEVEL);
    msg.properties.set(MessageConst.TRANSACTION_PREPARED, 'true');
    msg.properties.set(MessageConst.PRODUCER_GROUP, this.wireGroup);
    const sent = await this.send(msg);
    let state: LocalTransactionState = 'ROLLBACK';
    let localError: unknown;
    if (sent.sendStatus === 'SEND_OK') {
      if (sent.transactionId !== undefined) msg.properties.set(MessageConst.TRANSACTION_ID, sent.transactionId);
      try {
        state = stateOf(await executor(msg));
      } catch (error) {
        state = 'UNKNOWN';
        localError = error;
        this.options.logger.error({ err: error, topic: msg.topic, msgId: sent.msgId }, 'the local transaction failed; the broker will check it');
      }
    }
    try {
      await this.endTransaction(msg, sent, state, localError);
    } catch (error) {
      this.options.logger.warn({ err: error, state, msgId: sent.msgId }, 'local transaction ended, but END_TRANSACTION could not be sent; the broker will check it');
    }
    return { ...sent, localTransactionState: state };
  }

  /** DefaultMQProducerImpl.endTransaction: END_TRANSACTION, oneway, to the broker that stored the half. */
  private async endTransaction(message: Message, sent: SendResult, state: LocalTransactionState, localError: unknown): Promise<void> {
    const brokerName = sent.messageQueue.brokerName;
    const address = this.instance.routes.masterAddress(brokerName);
    if (address === undefined) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${brokerName}] not exist`);
    const header = {
      topic: wrapNamespace(this.options.namespace, message.topic),
      producerGroup: this.wireGroup,
      tranStateTableOffset: sent.queueOffset,
      commitLogOffset: decodeOffsetMessageId(sent.offsetMsgId).commitLogOffset,
      commitOrRollback: TRANSACTION_TYPE[state],
      fromTransactionCheck: false,
      msgId: sent.msgId,
      transactionId: sent.transactionId,
      brokerName,
    };
    const remark = localError === undefined ? undefined : `executeLocalTransactionBranch exception: ${describeError(localError)}`;
    await this.instance.api.endTransactionOneway(address, header, remark);
  }

  /** A broker asks about a transaction: queue the check (bounded) and run what the limit allows. */
  private onCheck(check: TransactionCheck): void {
    if (this.closed) return;
    if (this.waiting.length >= this.checks.queueMax) {
      this.options.logger.warn({ broker: check.connection.remoteAddress, queued: this.waiting.length }, 'too many transaction checks waiting; this one is dropped (the broker asks again)');
      return;
    }
    this.waiting.push(check);
    this.drainChecks();
  }

  private drainChecks(): void {
    while (this.running < this.checks.concurrency && !this.closed) {
      const check = this.waiting.shift();
      if (check === undefined) return;
      this.running++;
      void this.answerCheck(check).finally(() => {
        this.running--;
        this.drainChecks();
      });
    }
  }

  /** The half message as the checker sees it: body inflated, topic without the namespace. */
  private async checkedMessage(check: TransactionCheck): Promise<MessageExt> {
    const record: MessageRecord = check.message;
    const properties = Object.fromEntries(decodeProperties(record.properties));
    const body = await decompressBody(record.body, record.sysFlag);
    const offsetMsgId = check.header.offsetMsgId ?? check.header.msgId ?? '';
    return new ReceivedMessage(withoutNamespace(record.topic, this.options.namespace), body, properties, record, check.header.brokerName ?? '', offsetMsgId, record.reconsumeTimes);
  }

  /** DefaultMQProducerImpl.checkTransactionState: ask the checker, answer on the broker's connection. */
  private async answerCheck(check: TransactionCheck): Promise<void> {
    let state: LocalTransactionState = 'UNKNOWN';
    let checkError: unknown;
    let message: MessageExt | undefined;
    try {
      message = await this.checkedMessage(check);
      state = stateOf(await this.checks.checker(message));
    } catch (error) {
      checkError = error;
      this.options.logger.error({ err: error, broker: check.connection.remoteAddress }, 'the transaction checker failed');
    }
    if (this.closed) return;
    const uniqKey = message?.properties[MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX] ?? check.header.msgId ?? message?.msgId ?? '';
    const extFields = EndTransactionRequestHeader.encode({
      topic: check.header.topic,
      producerGroup: this.wireGroup,
      tranStateTableOffset: check.header.tranStateTableOffset,
      commitLogOffset: check.header.commitLogOffset,
      commitOrRollback: TRANSACTION_TYPE[state],
      fromTransactionCheck: true,
      msgId: uniqKey,
      transactionId: check.header.transactionId,
      brokerName: check.header.brokerName,
    });
    const remark = checkError === undefined ? undefined : `checkLocalTransactionState Exception: ${describeError(checkError)}`;
    check.connection.invokeOneway({ code: RequestCode.END_TRANSACTION, extFields, ...(remark === undefined ? {} : { remark }) });
  }
}
