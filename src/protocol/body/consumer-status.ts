/**
 * consumer-status.ts: GetConsumerStatusBody, the offsets clients hold: a client answers
 * GET_CONSUMER_STATUS_FROM_CLIENT (221) with messageQueueTable (its offset per queue of the
 * topic); the broker answers INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223) with consumerTable
 * (client id → such a table). Both maps are keyed by MessageQueue objects, fastjson's way.
 */
import { BodyError } from '../errors.js';
import { fastJsonTreeField, isFastJsonTreeObject, parseFastJsonTree, type QueueOffsetEntry } from './message-queue-map.js';
import { asInteger } from './shape.js';
import { decodeQueueMapTree, encodeQueueMapText, treeEntries } from './tree-shape.js';

export interface GetConsumerStatusBody {
  readonly messageQueueTable: readonly QueueOffsetEntry[];
  readonly consumerTable: readonly { readonly clientId: string; readonly offsets: readonly QueueOffsetEntry[] }[];
}

function tableText(entries: readonly QueueOffsetEntry[]): string {
  return encodeQueueMapText(entries.map(({ queue, offset }) => ({ queue, json: String(offset) })));
}

export function encodeGetConsumerStatusBody(body: GetConsumerStatusBody): Buffer {
  const clients = body.consumerTable.map(({ clientId, offsets }) => `${JSON.stringify(clientId)}:${tableText(offsets)}`);
  return Buffer.from(`{"consumerTable":{${clients.join(',')}},"messageQueueTable":${tableText(body.messageQueueTable)}}`);
}

const offsetOf = (value: unknown, path: string): number => asInteger(value, path);

/** Throws BodyError. */
export function decodeGetConsumerStatusBody(body: Buffer | undefined): GetConsumerStatusBody {
  const root = parseFastJsonTree(body, 'getConsumerStatusBody');
  if (!isFastJsonTreeObject(root)) throw new BodyError('getConsumerStatusBody is not an object');
  const toEntries = (rows: { queue: QueueOffsetEntry['queue']; value: number }[]): QueueOffsetEntry[] => rows.map(({ queue, value }) => ({ queue, offset: value }));
  return {
    messageQueueTable: toEntries(decodeQueueMapTree(fastJsonTreeField(root, 'messageQueueTable'), 'messageQueueTable', offsetOf)),
    consumerTable: treeEntries(fastJsonTreeField(root, 'consumerTable'), 'consumerTable').map(([clientId, table]) => ({
      clientId,
      offsets: toEntries(decodeQueueMapTree(table, `consumerTable.${clientId}`, offsetOf)),
    })),
  };
}
