/**
 * put-check.ts: decides whether messages can be stored at all, before anything is assigned, so a
 * batch is stored whole or not at all. Measures each record once (the encoder reuses the measure).
 *
 * Must not: change any store state.
 */
import {
  IPV4_ADDRESS_BYTES,
  IPV6_ADDRESS_BYTES,
  MessageSysFlag,
  PROPERTIES_LENGTH_MAX,
  TOPIC_BYTES_MAX,
  recordSize,
  type RecordMeasure,
} from '../../message/index.js';
import type { PutMessageRequest, PutMessageResult } from '../message-store.js';
import { storedProperties } from './record-check.js';

/** A message that passed the checks, with its final sysFlag, properties and measured size (its own RecordMeasure). */
export interface CheckedPut extends RecordMeasure {
  readonly request: PutMessageRequest;
  readonly sysFlag: number;
  /** The properties as stored (record-check.ts: a non-empty string ends with the separator). */
  readonly properties: string;
}

export type PutRefusal = Extract<PutMessageResult, { readonly reason: string }>;

const refuse = (status: PutRefusal['status'], reason: string): PutRefusal => ({ status, reason });

/** The sysFlag stored: the request's, with the store-host IPv6 bit matching our store host. */
export function storedSysFlag(sysFlag: number, storeHost: Buffer): number {
  const v6 = MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  return storeHost.length === IPV6_ADDRESS_BYTES ? sysFlag | v6 : sysFlag & ~v6;
}

function checkOne(request: PutMessageRequest, storeHost: Buffer, maxMessageSize: number): CheckedPut | PutRefusal {
  const properties = storedProperties(request.properties);
  const propertiesBytes = Buffer.byteLength(properties);
  if (propertiesBytes > PROPERTIES_LENGTH_MAX) {
    return refuse('PROPERTIES_SIZE_EXCEEDED', `properties are ${propertiesBytes} bytes, over ${PROPERTIES_LENGTH_MAX}`);
  }
  const topicBytes = Buffer.byteLength(request.topic);
  if (topicBytes === 0 || topicBytes > TOPIC_BYTES_MAX) return refuse('MESSAGE_ILLEGAL', `topic is ${topicBytes} bytes`);
  if (request.topic.includes('\u0000')) return refuse('MESSAGE_ILLEGAL', 'topic holds a NUL');
  if (!Number.isInteger(request.queueId) || request.queueId < 0 || request.queueId > 2 ** 31 - 1) {
    return refuse('MESSAGE_ILLEGAL', `queueId ${request.queueId}`);
  }
  const sysFlag = storedSysFlag(request.sysFlag, storeHost);
  const bornHostBytes = (sysFlag & MessageSysFlag.BORNHOST_V6_FLAG) === 0 ? IPV4_ADDRESS_BYTES : IPV6_ADDRESS_BYTES;
  if (request.bornHost.length !== bornHostBytes) {
    return refuse('MESSAGE_ILLEGAL', `bornHost is ${request.bornHost.length} bytes, sysFlag says ${bornHostBytes}`);
  }
  const size = recordSize(sysFlag, request.body.length, topicBytes, propertiesBytes);
  if (size > maxMessageSize) return refuse('MESSAGE_ILLEGAL', `message is ${size} bytes, over maxMessageSize ${maxMessageSize}`);
  return { request, sysFlag, properties, size, topicBytes, propertiesBytes };
}

/** Checks every message; the first refusal refuses the whole batch. */
export function checkPuts(requests: readonly PutMessageRequest[], storeHost: Buffer, maxMessageSize: number): CheckedPut[] | PutRefusal {
  if (requests.length === 0) return refuse('MESSAGE_ILLEGAL', 'empty batch');
  const checked: CheckedPut[] = [];
  for (const request of requests) {
    const outcome = checkOne(request, storeHost, maxMessageSize);
    if ('status' in outcome) return outcome;
    checked.push(outcome);
  }
  return checked;
}
