// RequestCode.END_TRANSACTION (37) (EndTransactionProcessor): a producer commits or rolls back a
// half message, after its local transaction or when a check asked; transaction/ does the work.
import { EndTransactionRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const endTransactionHandler = defineHandler<BrokerContext, typeof EndTransactionRequestHeader.fields>({
  code: RequestCode.END_TRANSACTION,
  header: EndTransactionRequestHeader,
  handle: (ctx, { header, connection }) => ctx.transactions.end(header, connection.remoteAddress),
});
