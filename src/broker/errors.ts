/**
 * errors.ts: a request the broker refuses, with RocketMQ's response code and remark. The
 * dispatcher turns it into the response; nothing else catches it.
 */
import { ResponseCodeError } from '../protocol/index.js';

export class BrokerError extends ResponseCodeError {
  override name = 'BrokerError';
}
