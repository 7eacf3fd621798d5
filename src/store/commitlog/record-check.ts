/**
 * record-check.ts: the checks recovery adds to a decoded CommitLog record beyond what the V1
 * layout checks itself (magic, lengths, PHYSICALOFFSET, BODYCRC), to catch a record whose end was
 * torn off by a power loss while a later write survived: the lost bytes read back as zeros, and
 * the topic and properties at the end of a record carry no checksum.
 *
 * The rule: the store writes every non-empty properties string ending with PROPERTY_SEPARATOR
 * (RocketMQ's messageProperties2String does the same, and put-check.ts adds it when a put lacks
 * it), and a topic never holds a NUL. So a record whose properties end otherwise, or whose topic
 * holds a NUL, was torn.
 * Must not: reject a record the store (or a Java broker) writes whole.
 */
import { PROPERTY_SEPARATOR, type MessageRecord } from '../../message/index.js';

/** Why `record` looks torn at its end, or undefined when it does not. */
export function tornTail(record: MessageRecord): string | undefined {
  if (record.properties.length > 0 && !record.properties.endsWith(PROPERTY_SEPARATOR)) {
    return 'properties do not end with the property separator (a torn record)';
  }
  if (record.topic.length === 0 || record.topic.includes('\u0000')) return 'topic is empty or holds a NUL (a torn record)';
  return undefined;
}

/** The properties as stored: a non-empty string always ends with PROPERTY_SEPARATOR. */
export function storedProperties(properties: string): string {
  return properties.length === 0 || properties.endsWith(PROPERTY_SEPARATOR) ? properties : properties + PROPERTY_SEPARATOR;
}
