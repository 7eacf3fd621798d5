/**
 * errors.ts: the one error type the client SDK throws, MQClientError, with RocketMQ's numbers in
 * `code`: a broker's or name server's ResponseCode when it answered with one, else one of Java's
 * ClientErrorCode values (connect failure, timeout, no route, ...), or -1 (Java's MQClientException
 * without a response code) for a bad argument or a call in the wrong state.
 *
 * `retriable` says whether trying again (later, or on another broker) may succeed. For a response
 * code it comes from protocol's one table (isRetriableResponseCode); for a client code, from
 * CLIENT_RETRIABLE below. Never throw anything else from the public API.
 */
import { describeResponseCode, isRetriableResponseCode, ResponseCodeError } from '../protocol/index.js';
import { RemotingConnectError, RemotingError, RemotingTimeoutError } from '../remoting/index.js';

/** Java's ClientErrorCode, plus -1 for MQClientException(message, cause) without a response code. */
export const ClientErrorCode = {
  ILLEGAL_ARGUMENT: -1,
  CONNECT_BROKER_EXCEPTION: 10001,
  ACCESS_BROKER_TIMEOUT: 10002,
  BROKER_NOT_EXIST_EXCEPTION: 10003,
  NO_NAME_SERVER_EXCEPTION: 10004,
  NOT_FOUND_TOPIC_EXCEPTION: 10005,
  REQUEST_TIMEOUT_EXCEPTION: 10006,
  CREATE_REPLY_MESSAGE_EXCEPTION: 10007,
} as const;

/** Client codes after which a later attempt may succeed: the network, not the request, failed. */
const CLIENT_RETRIABLE: ReadonlySet<number> = new Set([
  ClientErrorCode.CONNECT_BROKER_EXCEPTION,
  ClientErrorCode.ACCESS_BROKER_TIMEOUT,
  ClientErrorCode.REQUEST_TIMEOUT_EXCEPTION,
]);

export function isRetriableCode(code: number): boolean {
  return code >= 10000 ? CLIENT_RETRIABLE.has(code) : isRetriableResponseCode(code);
}

export class MQClientError extends Error {
  override name = 'MQClientError';
  readonly retriable: boolean;

  constructor(
    readonly code: number,
    readonly remark: string,
    options?: ErrorOptions & { readonly retriable?: boolean; readonly brokerAddr?: string },
  ) {
    super(options?.brokerAddr ? `${remark} (${describeCode(code)}, broker ${options.brokerAddr})` : `${remark} (${describeCode(code)})`, options);
    this.retriable = options?.retriable ?? isRetriableCode(code);
  }
}

function describeCode(code: number): string {
  if (code === ClientErrorCode.ILLEGAL_ARGUMENT) return 'CODE: -1';
  const client = Object.entries(ClientErrorCode).find(([, value]) => value === code);
  return client ? `${client[0]}(${code})` : describeResponseCode(code);
}

/** A bad argument or option: code -1, not retriable. */
export function illegalArgument(remark: string): MQClientError {
  return new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, remark, { retriable: false });
}

/** Any failure of a request as an MQClientError: transport errors get Java's client codes. */
export function toClientError(error: unknown, brokerAddr?: string): MQClientError {
  if (error instanceof MQClientError) return error;
  const where = brokerAddr === undefined ? {} : { brokerAddr };
  if (error instanceof ResponseCodeError) return new MQClientError(error.code, error.remark, { cause: error, ...where });
  if (error instanceof RemotingTimeoutError) return new MQClientError(ClientErrorCode.ACCESS_BROKER_TIMEOUT, error.message, { cause: error, ...where });
  if (error instanceof RemotingConnectError) return new MQClientError(ClientErrorCode.CONNECT_BROKER_EXCEPTION, error.message, { cause: error, ...where });
  // A closed connection or a full request table: the request may not have reached the peer.
  if (error instanceof RemotingError) return new MQClientError(ClientErrorCode.CONNECT_BROKER_EXCEPTION, error.message, { cause: error, ...where });
  const message = error instanceof Error ? error.message : String(error);
  return new MQClientError(ClientErrorCode.ILLEGAL_ARGUMENT, message, { cause: error, retriable: false, ...where });
}
