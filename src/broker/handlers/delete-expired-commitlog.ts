// RequestCode.DELETE_EXPIRED_COMMITLOG (329): delete expired CommitLog files now rather than at the
// deleteWhen hour (AdminBrokerProcessor.deleteExpiredCommitLog -> executeDeleteFilesManually). The
// rounds run in the background; the answer does not wait for them.
import { RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const deleteExpiredCommitLogHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.DELETE_EXPIRED_COMMITLOG,
  handle(ctx, { connection }) {
    ctx.logger.warn({ caller: connection.remoteAddress }, 'deleting expired CommitLog files on request');
    ctx.store.executeDeleteFilesManually().catch((error: unknown) => {
      // Nobody waits for the round; the store logs its own failures, this one only adds the cause.
      ctx.logger.error({ err: error }, 'deleting expired CommitLog files failed');
    });
    return ok();
  },
});
