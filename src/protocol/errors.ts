/**
 * errors.ts: what can go wrong while decoding the wire. A FrameError means the byte stream can no
 * longer be trusted and the connection must be closed; a HeaderError means one request's fields
 * are wrong and it gets a SYSTEM_ERROR answer on a connection that stays open, as in Java.
 */

export class FrameError extends Error {
  override name = 'FrameError';
}

export class HeaderError extends Error {
  override name = 'HeaderError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export class BodyError extends Error {
  override name = 'BodyError';
}

/**
 * An answer other than SUCCESS, thrown by a handler (server side) or raised from a response
 * (client side). It carries RocketMQ's response code and remark.
 */
export class ResponseCodeError extends Error {
  override name = 'ResponseCodeError';
  constructor(
    readonly code: number,
    readonly remark: string,
    options?: ErrorOptions,
  ) {
    super(remark, options);
  }
}
