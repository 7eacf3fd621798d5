// mqadmin deleteExpiredCommitLog [-b addr | -c cluster] (DeleteExpiredCommitLogSubCommand):
// DELETE_EXPIRED_COMMITLOG (329) on one broker, a cluster's masters or every master; built like
// cleanExpiredCQ (clean-expired-cq.ts).
import { deleteExpiredCommitLog } from '../ops/broker.js';
import { expiredFilesCommand } from './clean-expired-cq.js';

export const deleteExpiredCommitLogCommand = expiredFilesCommand('deleteExpiredCommitLog', 'Delete expired CommitLog files.', deleteExpiredCommitLog);
