/**
 * query-message.ts: QUERY_MESSAGE's read (DefaultMessageStore.queryMessage): the index gives the
 * CommitLog offsets of the newest matches of a key, and their records are read back, in
 * CommitLog order as Java sorts them. The index compares key hashes only, so a record whose topic
 * or keys do not match (a hash collision, or an entry a crash left stale) is dropped here.
 * Must not: change anything.
 */
import { decodeRecord } from '../../message/index.js';
import type { QueryMessageRequest, QueryMessageResult } from '../message-store.js';
import type { IndexService } from './index-service.js';
import { hasIndexKey } from './index-keys.js';

export async function queryMessage(
  index: IndexService | undefined,
  readRecord: (commitLogOffset: number) => Promise<Buffer | undefined>,
  request: QueryMessageRequest,
): Promise<QueryMessageResult> {
  if (index === undefined) return { records: [], indexLastUpdateTimestamp: 0, indexLastUpdatePhyoffset: 0 };
  const found = await index.queryOffset(request.topic, request.key, request.maxNum, request.beginTimestamp, request.endTimestamp);
  const offsets = [...new Set(found.phyOffsets)].sort((a, b) => a - b);
  const read = await Promise.all(offsets.map((offset) => readRecord(offset)));
  const records: Buffer[] = [];
  for (const record of read) {
    if (record === undefined) continue;
    const decoded = decodeRecord(record, 0);
    if (decoded.kind !== 'MESSAGE' || decoded.message.topic !== request.topic) continue;
    if (hasIndexKey(decoded.message.properties, request.key)) records.push(record);
  }
  return { records, indexLastUpdateTimestamp: found.indexLastUpdateTimestamp, indexLastUpdatePhyoffset: found.indexLastUpdatePhyoffset };
}
