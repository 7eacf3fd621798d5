/** errors.ts: a failure mqadmin reports to the user as one line, with a non-zero exit status. */
export class AdminError extends Error {
  override name = 'AdminError';
}
