/**
 * batch.ts: the body of SEND_BATCH_MESSAGE (320), RocketMQ's client batch layout
 * (MessageDecoder.encodeMessage / decodeMessages), repeated until the body ends, big-endian:
 *
 * | off   | bytes | field                                        |
 * |-------|-------|----------------------------------------------|
 * | 0     | 4     | TOTALSIZE of this entry                      |
 * | 4     | 4     | MAGICCODE, written as 0 and not checked      |
 * | 8     | 4     | BODYCRC, written as 0 and not checked        |
 * | 12    | 4     | FLAG                                         |
 * | 16    | 4 + n | BODYLENGTH + BODY                            |
 * | 20+n  | 2 + p | PROPERTIESLENGTH (signed 16-bit) + PROPERTIES |
 */

export const BATCH_ENTRY_FIXED_BYTES = 22;

export interface BatchEntry {
  readonly flag: number;
  readonly body: Buffer;
  readonly properties: string;
}

export class BatchError extends Error {
  override name = 'BatchError';
}

/** Encodes entries in the client batch layout. */
export function encodeBatch(entries: readonly BatchEntry[]): Buffer {
  const sizes = entries.map((entry) => {
    const propertiesBytes = Buffer.byteLength(entry.properties);
    if (propertiesBytes > 32767) throw new BatchError(`properties are ${propertiesBytes} bytes, over 32767`);
    return { total: BATCH_ENTRY_FIXED_BYTES + entry.body.length + propertiesBytes, propertiesBytes };
  });
  const out = Buffer.alloc(sizes.reduce((sum, size) => sum + size.total, 0));
  let pos = 0;
  entries.forEach((entry, index) => {
    const size = sizes[index];
    if (size === undefined) throw new BatchError('size missing');
    pos = out.writeInt32BE(size.total, pos);
    pos = out.writeInt32BE(0, pos);
    pos = out.writeInt32BE(0, pos);
    pos = out.writeInt32BE(entry.flag, pos);
    pos = out.writeInt32BE(entry.body.length, pos);
    pos += entry.body.copy(out, pos);
    pos = out.writeInt16BE(size.propertiesBytes, pos);
    pos += out.write(entry.properties, pos, 'utf8');
  });
  return out;
}

/** Decodes a client batch body; throws BatchError naming the entry that is malformed. */
export function decodeBatch(body: Buffer): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let pos = 0;
  while (pos < body.length) {
    const where = `batch entry ${entries.length} at byte ${pos}`;
    if (pos + BATCH_ENTRY_FIXED_BYTES > body.length) throw new BatchError(`${where} is truncated`);
    const total = body.readInt32BE(pos);
    if (total < BATCH_ENTRY_FIXED_BYTES || pos + total > body.length) {
      throw new BatchError(`${where} has size ${total}`);
    }
    const flag = body.readInt32BE(pos + 12);
    const bodyLength = body.readInt32BE(pos + 16);
    if (bodyLength < 0 || 20 + bodyLength + 2 > total) throw new BatchError(`${where} has body length ${bodyLength}`);
    const propertiesAt = pos + 20 + bodyLength;
    const propertiesLength = body.readInt16BE(propertiesAt);
    if (propertiesLength < 0 || 22 + bodyLength + propertiesLength !== total) {
      throw new BatchError(`${where} has properties length ${propertiesLength}`);
    }
    entries.push({
      flag,
      body: body.subarray(pos + 20, propertiesAt),
      properties: body.toString('utf8', propertiesAt + 2, propertiesAt + 2 + propertiesLength),
    });
    pos += total;
  }
  return entries;
}
