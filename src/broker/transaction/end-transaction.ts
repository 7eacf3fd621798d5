/**
 * end-transaction.ts: END_TRANSACTION 37 (EndTransactionProcessor): a producer's decision on a
 * half message, right after its local transaction or when a check asked for it.
 *
 * Order, as Java: commitOrRollback 0 (unknown) is only logged; the half is looked up by its
 * CommitLog offset ("Find prepared transaction message failed"); a decision that is not from a
 * check and comes after the half's CHECK_IMMUNITY_TIME_IN_SECONDS is ILLEGAL_OPERATION (604);
 * PGROUP, the half queue offset and the CommitLog offset must match the request (SYSTEM_ERROR
 * "The producer group wrong" / "The transaction state table offset wrong" / "The commit log offset
 * wrong"). Then, unlike Java, a transaction already over (committed, rolled back or discarded, on
 * this half or any copy of it) is left alone and the request answered ILLEGAL_OPERATION: a late or
 * repeated END_TRANSACTION never writes a second copy. A commit writes the message to its real
 * topic and queue (through the schedule if it has a delay level), then the op; a rollback writes
 * the op only.
 * The transaction is marked over before any write and unmarked if the commit cannot be stored,
 * so two decisions racing for one transaction cannot both write.
 */
import { findProperty, MessageConst, MessageSysFlag, TopicNames, type MessageRecord } from '../../message/index.js';
import { ResponseCode, type EndTransactionRequestHeader } from '../../protocol/index.js';
import { ok, type HandlerResult } from '../../remoting/index.js';
import type { PutMessageRequest, PutMessageResult } from '../../store/index.js';
import { BrokerError } from '../errors.js';
import { committedMessage, immunityTimeMs, originOf } from './transactional-message-util.js';
import type { TransactionState } from './transaction-state.js';

export interface EndTransactionDeps {
  readonly state: TransactionState;
  readonly transactionTimeOutMs: number;
  readonly maxMessageSize: number;
  readonly now: () => number;
  lookMessageByOffset(commitLogOffset: number): Promise<MessageRecord | undefined>;
  /** Stores the committed message (the schedule decides where a delayed one waits). */
  putCommitted(request: PutMessageRequest): Promise<PutMessageResult>;
  /** Records finished half offsets in the op queue; false when it could not. */
  writeOp(offsets: readonly number[]): Promise<boolean>;
  readonly logger: { warn(object: object, message: string): void; info(object: object, message: string): void };
}

const DECISIONS: ReadonlySet<number> = new Set([
  MessageSysFlag.TRANSACTION_NOT_TYPE,
  MessageSysFlag.TRANSACTION_COMMIT_TYPE,
  MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
]);

/** EndTransactionProcessor.checkPrepareMessage. */
function checkPrepareMessage(record: MessageRecord, header: EndTransactionRequestHeader): void {
  if (findProperty(record.properties, MessageConst.PRODUCER_GROUP) !== header.producerGroup) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'The producer group wrong');
  }
  if (record.queueOffset !== header.tranStateTableOffset) throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'The transaction state table offset wrong');
  if (record.commitLogOffset !== header.commitLogOffset) throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'The commit log offset wrong');
}

/** sendFinalMessage: the store's answer for the committed message. */
function finalPutResult(result: PutMessageResult, maxMessageSize: number): HandlerResult {
  switch (result.status) {
    case 'PUT_OK':
    case 'FLUSH_DISK_TIMEOUT':
      return ok();
    case 'CREATE_MAPPED_FILE_FAILED':
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'Create mapped file failed.' };
    case 'MESSAGE_ILLEGAL':
    case 'PROPERTIES_SIZE_EXCEEDED':
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: `The message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB.`,
      };
    case 'SERVICE_NOT_AVAILABLE':
      return { code: ResponseCode.SERVICE_NOT_AVAILABLE, remark: `Service not available now. (${result.reason})` };
    case 'OS_PAGE_CACHE_BUSY':
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'OS page cache busy, please try another machine' };
  }
}

/** The half at the request's CommitLog offset, checked as Java checks it. */
async function findHalf(deps: EndTransactionDeps, header: EndTransactionRequestHeader): Promise<MessageRecord> {
  const record = header.commitLogOffset >= 0 ? await deps.lookMessageByOffset(header.commitLogOffset) : undefined;
  if (record === undefined || record.topic !== TopicNames.TRANS_HALF_TOPIC) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'Find prepared transaction message failed');
  }
  if (header.fromTransactionCheck !== true) {
    const immunityMs = immunityTimeMs(record, deps.transactionTimeOutMs);
    if (immunityMs !== undefined && deps.now() - record.bornTimestamp > immunityMs) {
      throw new BrokerError(
        ResponseCode.ILLEGAL_OPERATION,
        `the half message is older than its CHECK_IMMUNITY_TIME_IN_SECONDS (${immunityMs} ms): only a check may end it now`,
      );
    }
  }
  checkPrepareMessage(record, header);
  return record;
}

/** Handles one END_TRANSACTION; `fromCheck` tells logs apart. */
export async function endTransaction(deps: EndTransactionDeps, header: EndTransactionRequestHeader, peer: string): Promise<HandlerResult> {
  const decision = header.commitOrRollback;
  if (!DECISIONS.has(decision)) throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'commitOrRollback field wrong');
  const where = { peer, producerGroup: header.producerGroup, msgId: header.msgId, commitLogOffset: header.commitLogOffset, fromCheck: header.fromTransactionCheck === true };
  if (decision === MessageSysFlag.TRANSACTION_NOT_TYPE) {
    deps.logger.info(where, 'the producer does not know the state of its transaction yet');
    return ok();
  }
  const record = await findHalf(deps, header);
  const origin = originOf(record);
  if (deps.state.isFinished(record)) {
    deps.logger.warn({ ...where, origin }, 'END_TRANSACTION for a transaction already over; ignored');
    throw new BrokerError(ResponseCode.ILLEGAL_OPERATION, `the transaction of message ${header.msgId} is already over (committed, rolled back or discarded); this END_TRANSACTION is ignored`);
  }
  deps.state.finish(origin);
  if (decision === MessageSysFlag.TRANSACTION_COMMIT_TYPE) {
    const committed = committedMessage(record);
    if (!committed.ok) {
      deps.state.unfinish(origin);
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, committed.reason);
    }
    let answer: HandlerResult;
    try {
      answer = finalPutResult(await deps.putCommitted(committed.request), deps.maxMessageSize);
    } catch (error) {
      deps.state.unfinish(origin);
      throw error;
    }
    if (answer.code !== ResponseCode.SUCCESS) {
      deps.state.unfinish(origin);
      return answer;
    }
  }
  const finished = record.queueOffset === origin ? [origin] : [origin, record.queueOffset];
  if (!(await deps.writeOp(finished))) deps.logger.warn({ ...where, origin }, 'the op message of a decision could not be stored: a restart may check the transaction again');
  return ok();
}
