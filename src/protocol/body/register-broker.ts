/**
 * register-broker.ts: the body of REGISTER_BROKER (RegisterBrokerBody.java), plain or compressed.
 *
 * Plain: {"filterServerList":[],"topicConfigSerializeWrapper":{"dataVersion":{..},"topicConfigTable":{"T":{..}}}}
 * Compressed (header compressed=true): a zlib (deflate) stream of, big-endian,
 * | int32 n | DataVersion JSON (n bytes) | int32 topicCount | { int32 n | TopicConfig line (n) }* |
 * | int32 n | filterServerList JSON (n) | int32 mappingCount | { int32 n | mapping JSON (n) }* |
 * where a TopicConfig line is TopicConfig.encode()'s space-separated form.
 */
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';
import { BodyError } from '../errors.js';
import { parseBody } from './fastjson.js';
import { asArray, asObject, asString, optional } from './shape.js';
import {
  dataVersionToJson,
  decodeDataVersion,
  decodeTopicConfig,
  decodeTopicConfigLine,
  encodeTopicConfigLine,
  topicConfigToJson,
  type DataVersion,
  type TopicConfig,
} from './topic-config.js';

const inflateAsync = promisify(inflate);
const deflateAsync = promisify(deflate);

/** The largest inflated body accepted: a bound on what a peer can make us allocate. */
export const REGISTER_BODY_INFLATED_BYTES_MAX = 64 * 1024 * 1024;

export interface RegisterBrokerBody {
  readonly dataVersion: DataVersion;
  readonly topicConfigTable: ReadonlyMap<string, TopicConfig>;
  readonly filterServerList: readonly string[];
}

export async function encodeRegisterBrokerBody(body: RegisterBrokerBody, compressed: boolean): Promise<Buffer> {
  if (!compressed) {
    const table: Record<string, unknown> = {};
    for (const [name, config] of body.topicConfigTable) table[name] = topicConfigToJson(config);
    return Buffer.from(
      JSON.stringify({
        filterServerList: body.filterServerList,
        topicConfigSerializeWrapper: { dataVersion: dataVersionToJson(body.dataVersion), topicConfigTable: table },
      }),
    );
  }
  const parts: Buffer[] = [];
  const pushBlock = (text: string): void => {
    const bytes = Buffer.from(text);
    parts.push(int32(bytes.length), bytes);
  };
  pushBlock(JSON.stringify(dataVersionToJson(body.dataVersion)));
  parts.push(int32(body.topicConfigTable.size));
  for (const config of body.topicConfigTable.values()) pushBlock(encodeTopicConfigLine(config));
  pushBlock(JSON.stringify(body.filterServerList));
  parts.push(int32(0));
  return deflateAsync(Buffer.concat(parts), { level: 9 });
}

function int32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
}

export async function decodeRegisterBrokerBody(body: Buffer | undefined, compressed: boolean): Promise<RegisterBrokerBody> {
  if (!compressed) return decodePlain(parseBody(body, 'register broker body'));
  if (body === undefined || body.length === 0) throw new BodyError('register broker body: the request has no body');
  let bytes: Buffer;
  try {
    bytes = await inflateAsync(body, { maxOutputLength: REGISTER_BODY_INFLATED_BYTES_MAX });
  } catch (error) {
    throw new BodyError(`register broker body: cannot inflate: ${(error as Error).message}`);
  }
  return decodeCompressed(bytes);
}

function decodePlain(value: unknown): RegisterBrokerBody {
  const root = asObject(value, 'body');
  const wrapper = asObject(root['topicConfigSerializeWrapper'], 'body.topicConfigSerializeWrapper');
  const table = optional(wrapper['topicConfigTable'], {}, (v) => asObject(v, 'body.topicConfigSerializeWrapper.topicConfigTable'));
  const topicConfigTable = new Map<string, TopicConfig>();
  for (const [name, entry] of Object.entries(table)) {
    topicConfigTable.set(name, decodeTopicConfig(entry, `body.topicConfigTable.${name}`));
  }
  return {
    dataVersion: optional(wrapper['dataVersion'], { stateVersion: 0, timestamp: 0, counter: 0 }, (v) =>
      decodeDataVersion(v, 'body.topicConfigSerializeWrapper.dataVersion'),
    ),
    topicConfigTable,
    filterServerList: optional(root['filterServerList'], [], (v) =>
      asArray(v, 'body.filterServerList').map((item, index) => asString(item, `body.filterServerList[${index}]`)),
    ),
  };
}

function decodeCompressed(bytes: Buffer): RegisterBrokerBody {
  let pos = 0;
  const readInt = (what: string): number => {
    if (pos + 4 > bytes.length) throw new BodyError(`compressed register body: ${what} is past the end`);
    return bytes.readInt32BE((pos += 4) - 4);
  };
  const readBlock = (what: string): string => {
    const length = readInt(`${what} length`);
    if (length < 0 || pos + length > bytes.length) throw new BodyError(`compressed register body: ${what} of ${length} bytes is past the end`);
    return bytes.toString('utf8', pos, (pos += length));
  };
  const parse = (text: string, what: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      throw new BodyError(`compressed register body: ${what} is not JSON`);
    }
  };
  const dataVersion = decodeDataVersion(parse(readBlock('dataVersion'), 'dataVersion'), 'dataVersion');
  const topicCount = readInt('topic count');
  if (topicCount < 0) throw new BodyError(`compressed register body: topic count ${topicCount}`);
  const topicConfigTable = new Map<string, TopicConfig>();
  for (let index = 0; index < topicCount; index++) {
    const config = decodeTopicConfigLine(readBlock(`topic ${index}`), `topic ${index}`);
    topicConfigTable.set(config.topicName, config);
  }
  const filters = pos < bytes.length ? parse(readBlock('filterServerList'), 'filterServerList') : [];
  const filterServerList = asArray(filters, 'filterServerList').map((item, index) => asString(item, `filterServerList[${index}]`));
  // Static-topic mappings (RocketMQ 5) may follow; this broker has no static topics, so they are not read.
  return { dataVersion, topicConfigTable, filterServerList };
}
