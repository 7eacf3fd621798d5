// RequestCode.END_TRANSACTION (37, client to broker, oneway in Java) and
// CHECK_TRANSACTION_STATE (39, broker to client, oneway): EndTransactionRequestHeader.java,
// CheckTransactionStateRequestHeader.java. commitOrRollback is a MessageSysFlag transaction type:
// 0 unknown (no decision yet), 8 commit, 12 rollback. tranStateTableOffset is the half message's
// offset in RMQ_SYS_TRANS_HALF_TOPIC, commitLogOffset its CommitLog offset; msgId and
// transactionId are its UNIQ_KEY, offsetMsgId its offset message id. brokerName is the RPC
// header field Java 5 adds (RpcRequestHeader.bname on the wire).
import { bool, header, int, long, str, type Infer } from './define.js';

export const EndTransactionRequestHeader = header({
  topic: str.optional(),
  producerGroup: str(),
  tranStateTableOffset: long(),
  commitLogOffset: long(),
  commitOrRollback: int(),
  fromTransactionCheck: bool.optional(),
  msgId: str(),
  transactionId: str.optional(),
  brokerName: str.optional(),
}, { brokerName: 'bname' });
export type EndTransactionRequestHeader = Infer<typeof EndTransactionRequestHeader>;

export const CheckTransactionStateRequestHeader = header({
  topic: str.optional(),
  tranStateTableOffset: long(),
  commitLogOffset: long(),
  msgId: str.optional(),
  transactionId: str.optional(),
  offsetMsgId: str.optional(),
  brokerName: str.optional(),
}, { brokerName: 'bname' });
export type CheckTransactionStateRequestHeader = Infer<typeof CheckTransactionStateRequestHeader>;
