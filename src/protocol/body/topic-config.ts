/**
 * topic-config.ts: TopicConfig and DataVersion, as the broker registers them with name servers,
 * returns them from GET_ALL_TOPIC_CONFIG and keeps them in topics.json (TopicConfig.java,
 * DataVersion.java). Keys are written in fastjson's (alphabetical) order.
 */
import { BodyError } from '../errors.js';
import { asBoolean, asInteger, asObject, asString, asStringMap, optional } from './shape.js';

/** Topic permission bits (PermName.java). 6 = read and write. */
export const PermName = {
  PRIORITY: 8,
  READ: 4,
  WRITE: 2,
  INHERIT: 1,
} as const;

export function isReadable(perm: number): boolean {
  return (perm & PermName.READ) !== 0;
}

export function isWriteable(perm: number): boolean {
  return (perm & PermName.WRITE) !== 0;
}

export function isInherited(perm: number): boolean {
  return (perm & PermName.INHERIT) !== 0;
}

/** "RW-" style text as mqadmin prints it (PermName.perm2String). */
export function permToString(perm: number): string {
  return (isReadable(perm) ? 'R' : '-') + (isWriteable(perm) ? 'W' : '-') + (isInherited(perm) ? 'X' : '-');
}

export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

export interface TopicConfig {
  readonly topicName: string;
  readonly readQueueNums: number;
  readonly writeQueueNums: number;
  readonly perm: number;
  readonly topicFilterType: TopicFilterType;
  readonly topicSysFlag: number;
  readonly order: boolean;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface DataVersion {
  readonly stateVersion: number;
  readonly timestamp: number;
  readonly counter: number;
}

function asFilterType(value: unknown, path: string): TopicFilterType {
  const text = asString(value, path);
  if (text !== 'SINGLE_TAG' && text !== 'MULTI_TAG') throw new BodyError(`${path} is not SINGLE_TAG or MULTI_TAG`);
  return text;
}

export function decodeTopicConfig(value: unknown, path: string): TopicConfig {
  const object = asObject(value, path);
  return {
    topicName: asString(object['topicName'], `${path}.topicName`),
    readQueueNums: asInteger(object['readQueueNums'], `${path}.readQueueNums`),
    writeQueueNums: asInteger(object['writeQueueNums'], `${path}.writeQueueNums`),
    perm: asInteger(object['perm'], `${path}.perm`),
    topicFilterType: optional(object['topicFilterType'], 'SINGLE_TAG', (v) => asFilterType(v, `${path}.topicFilterType`)),
    topicSysFlag: optional(object['topicSysFlag'], 0, (v) => asInteger(v, `${path}.topicSysFlag`)),
    order: optional(object['order'], false, (v) => asBoolean(v, `${path}.order`)),
    attributes: optional(object['attributes'], {}, (v) => asStringMap(v, `${path}.attributes`)),
  };
}

/** The JSON object of a TopicConfig, keys in fastjson's order. */
export function topicConfigToJson(config: TopicConfig): Record<string, unknown> {
  return {
    attributes: config.attributes,
    order: config.order,
    perm: config.perm,
    readQueueNums: config.readQueueNums,
    topicFilterType: config.topicFilterType,
    topicName: config.topicName,
    topicSysFlag: config.topicSysFlag,
    writeQueueNums: config.writeQueueNums,
  };
}

export function decodeDataVersion(value: unknown, path: string): DataVersion {
  const object = asObject(value, path);
  return {
    stateVersion: optional(object['stateVersion'], 0, (v) => asInteger(v, `${path}.stateVersion`)),
    timestamp: optional(object['timestamp'], 0, (v) => asInteger(v, `${path}.timestamp`)),
    counter: optional(object['counter'], 0, (v) => asInteger(v, `${path}.counter`)),
  };
}

export function dataVersionToJson(version: DataVersion): Record<string, unknown> {
  return { counter: version.counter, stateVersion: version.stateVersion, timestamp: version.timestamp };
}

export function sameDataVersion(a: DataVersion, b: DataVersion): boolean {
  return a.stateVersion === b.stateVersion && a.timestamp === b.timestamp && a.counter === b.counter;
}

/**
 * TopicConfig in the compressed REGISTER_BROKER body (TopicConfig.encode): space-separated
 * "name read write perm filterType [attributesJson]". It has no topicSysFlag or order.
 */
export function encodeTopicConfigLine(config: TopicConfig): string {
  return `${config.topicName} ${config.readQueueNums} ${config.writeQueueNums} ${config.perm} ${config.topicFilterType} ${JSON.stringify(config.attributes)}`;
}

export function decodeTopicConfigLine(line: string, path: string): TopicConfig {
  const parts = line.split(' ');
  if (parts.length < 5) throw new BodyError(`${path} has ${parts.length} fields, not 5 or more`);
  let attributes: Record<string, string> = {};
  if (parts.length >= 6) {
    try {
      attributes = asStringMap(JSON.parse(parts.slice(5).join(' ')), `${path}.attributes`);
    } catch {
      // Java ignores attributes it cannot parse here, since values may hold spaces; so do we.
      attributes = {};
    }
  }
  return {
    topicName: parts[0] ?? '',
    readQueueNums: asInteger(parts[1], `${path}.readQueueNums`),
    writeQueueNums: asInteger(parts[2], `${path}.writeQueueNums`),
    perm: asInteger(parts[3], `${path}.perm`),
    topicFilterType: asFilterType(parts[4], `${path}.topicFilterType`),
    topicSysFlag: 0,
    order: false,
    attributes,
  };
}
