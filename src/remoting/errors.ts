/**
 * errors.ts: transport failures. A response with a non-SUCCESS code is not one of these; it is a
 * ResponseCodeError from protocol/.
 */

export class RemotingError extends Error {
  override name = 'RemotingError';
}

/** No response within the timeout (RemotingTimeoutException). */
export class RemotingTimeoutError extends RemotingError {
  override name = 'RemotingTimeoutError';
  constructor(
    readonly address: string,
    readonly timeoutMs: number,
    what: string,
  ) {
    super(`wait response on ${address} timeout, ${timeoutMs}(ms): ${what}`);
  }
}

/** The connection could not be made (RemotingConnectException). */
export class RemotingConnectError extends RemotingError {
  override name = 'RemotingConnectError';
  constructor(
    readonly address: string,
    options?: ErrorOptions,
  ) {
    super(`connect to ${address} failed`, options);
  }
}

/** The connection closed while a request was waiting for its response (RemotingSendRequestException). */
export class RemotingClosedError extends RemotingError {
  override name = 'RemotingClosedError';
  constructor(readonly address: string, reason: string) {
    super(`connection to ${address} closed: ${reason}`);
  }
}

/** Too many requests already wait on this connection (RemotingTooMuchRequestException). */
export class RemotingTooMuchRequestError extends RemotingError {
  override name = 'RemotingTooMuchRequestError';
}
