/**
 * namespace.ts: RocketMQ's namespaces (NamespaceUtil.java). A client with a namespace puts
 * "<namespace>%" in front of every topic and group it sends, keeping a %RETRY% or %DLQ% prefix
 * outside, and takes it off what it hands back to the user. System topics and groups are never
 * wrapped.
 */
import { DLQ_GROUP_TOPIC_PREFIX, RETRY_GROUP_TOPIC_PREFIX, SYSTEM_TOPIC_PREFIX, TopicNames } from '../message/index.js';

const NAMESPACE_SEPARATOR = '%';
const SYSTEM_GROUP_PREFIX = 'CID_RMQ_SYS_';
/** TopicValidator.SYSTEM_TOPIC_SET. */
const SYSTEM_TOPICS: ReadonlySet<string> = new Set([...Object.values(TopicNames), 'CHECKPOINT_TOPIC_XXXX']);

function isSystemResource(resource: string): boolean {
  return SYSTEM_TOPICS.has(resource) || resource.startsWith(SYSTEM_TOPIC_PREFIX) || resource.startsWith(SYSTEM_GROUP_PREFIX);
}

function prefixOf(resource: string): string {
  if (resource.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return RETRY_GROUP_TOPIC_PREFIX;
  if (resource.startsWith(DLQ_GROUP_TOPIC_PREFIX)) return DLQ_GROUP_TOPIC_PREFIX;
  return '';
}

/** `resource` with `namespace%` after any retry/DLQ prefix (NamespaceUtil.wrapNamespace). */
export function wrapNamespace(namespace: string, resource: string): string {
  if (namespace.length === 0 || resource.length === 0 || isSystemResource(resource)) return resource;
  const prefix = prefixOf(resource);
  const bare = resource.slice(prefix.length);
  if (bare.startsWith(namespace + NAMESPACE_SEPARATOR)) return resource;
  return prefix + namespace + NAMESPACE_SEPARATOR + bare;
}

/** `resource` without `namespace%` (NamespaceUtil.withoutNamespace(resource, namespace)). */
export function withoutNamespace(resource: string, namespace: string): string {
  if (namespace.length === 0 || resource.length === 0) return resource;
  const prefix = prefixOf(resource);
  const bare = resource.slice(prefix.length);
  if (!bare.startsWith(namespace + NAMESPACE_SEPARATOR)) return resource;
  return prefix + bare.slice(namespace.length + 1);
}
