/**
 * transaction-requests.ts: transactional requests black-box tests build by hand: a half message
 * (TRAN_MSG, PGROUP), END_TRANSACTION from the send's answer or from a check, and a producer
 * connection that registers its group by heartbeat and records the CHECK_TRANSACTION_STATE
 * requests the broker sends it. Nothing here asserts.
 */
import { decodeOffsetMessageId, MessageConst, MessageSysFlag, type MessageRecord } from '../../src/message/index.js';
import {
  CheckTransactionStateRequestHeader,
  EndTransactionRequestHeader,
  isOneway,
  RequestCode,
  type RemotingCommand,
  type SendMessageResponseHeader,
} from '../../src/protocol/index.js';
import { RemotingClient } from '../../src/remoting/index.js';
import { testLogger } from '../../src/log/index.js';
import { decodeRecords, heartbeat, heartbeatBody, REQUEST_TIMEOUT_MS, sendMessage, sendResult, type SendOptions } from './broker-requests.js';

export const COMMIT = MessageSysFlag.TRANSACTION_COMMIT_TYPE;
export const ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
export const UNKNOWN = MessageSysFlag.TRANSACTION_NOT_TYPE;

/** A half message sent as a Java TransactionMQProducer sends it; throws unless stored. */
export async function sendHalf(
  client: RemotingClient,
  brokerAddr: string,
  group: string,
  options: Omit<SendOptions, 'producerGroup' | 'sysFlag'> & { readonly extraProperties?: Readonly<Record<string, string>> },
): Promise<SendMessageResponseHeader> {
  const properties = { ...options.extraProperties, [MessageConst.TRANSACTION_PREPARED]: 'true', [MessageConst.PRODUCER_GROUP]: group };
  return sendResult(await sendMessage(client, brokerAddr, { ...options, producerGroup: group, sysFlag: MessageSysFlag.TRANSACTION_PREPARED_TYPE, properties }));
}

/** Where a half is, as END_TRANSACTION names it. */
export interface HalfAt {
  readonly tranStateTableOffset: number;
  readonly commitLogOffset: number;
  readonly msgId: string;
}

/** The half a send answer names (DefaultMQProducerImpl.endTransaction). */
export function halfOfSend(send: SendMessageResponseHeader): HalfAt {
  return { tranStateTableOffset: send.queueOffset, commitLogOffset: decodeOffsetMessageId(send.msgId).commitLogOffset, msgId: send.transactionId ?? '' };
}

/** END_TRANSACTION, waiting for the answer (Java sends it oneway; the broker answers either way). */
export function endTransaction(
  client: RemotingClient,
  brokerAddr: string,
  group: string,
  half: HalfAt,
  commitOrRollback: number,
  fromTransactionCheck = false,
): Promise<RemotingCommand> {
  const extFields = EndTransactionRequestHeader.encode({
    producerGroup: group,
    tranStateTableOffset: half.tranStateTableOffset,
    commitLogOffset: half.commitLogOffset,
    commitOrRollback,
    fromTransactionCheck,
    msgId: half.msgId,
    transactionId: half.msgId,
  });
  return client.invoke(brokerAddr, { code: RequestCode.END_TRANSACTION, extFields }, REQUEST_TIMEOUT_MS);
}

export interface ReceivedCheck {
  readonly header: CheckTransactionStateRequestHeader;
  readonly message: MessageRecord;
  readonly oneway: boolean;
}

/** A producer connection of `group` that records the checks it is sent. */
export class CheckRecorder {
  readonly checks: ReceivedCheck[] = [];
  readonly client: RemotingClient;

  constructor(
    readonly group: string,
    readonly clientId = `127.0.0.1@check-${group}`,
  ) {
    this.client = new RemotingClient({
      logger: testLogger(),
      onRequest: (_connection, request) => {
        if (request.code !== RequestCode.CHECK_TRANSACTION_STATE) return;
        const [message] = decodeRecords(request.body);
        if (message === undefined) return;
        this.checks.push({ header: CheckTransactionStateRequestHeader.decode(request.extFields), message, oneway: isOneway(request) });
      },
    });
  }

  /** Registers the producer group on the broker (HEART_BEAT). */
  async register(brokerAddr: string): Promise<void> {
    const response = await heartbeat(this.client, brokerAddr, heartbeatBody(this.clientId, [], [this.group]));
    if (response.code !== 0) throw new Error(`heartbeat: ${response.code} ${response.remark ?? ''}`);
  }

  /** The checks about messages with this UNIQ_KEY. */
  checksOf(uniqKey: string): ReceivedCheck[] {
    return this.checks.filter((check) => check.header.msgId === uniqKey);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

/** The half a check names, for END_TRANSACTION with fromTransactionCheck. */
export function halfOfCheck(check: ReceivedCheck): HalfAt {
  return { tranStateTableOffset: check.header.tranStateTableOffset, commitLogOffset: check.header.commitLogOffset, msgId: check.header.msgId ?? '' };
}
