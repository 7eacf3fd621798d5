/**
 * topic-attributes.ts: RocketMQ 5 topic attributes as UPDATE_AND_CREATE_TOPIC carries them,
 * "+message.type=FIFO,+queue.type=BatchCQ,-cleanup.policy" (AttributeParser, TopicAttributes):
 * "+key=value" sets, "-key" removes. Only the attributes RocketMQ defines are accepted.
 */

const KNOWN_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  'message.type': ['UNSPECIFIED', 'NORMAL', 'FIFO', 'DELAY', 'TRANSACTION', 'MIXED'],
  'queue.type': ['SimpleCQ', 'BatchCQ'],
  'cleanup.policy': ['DELETE', 'COMPACTION'],
};

export class AttributeError extends Error {
  override name = 'AttributeError';
}

/** Applies a modification string to `current`; throws AttributeError on a malformed or unknown entry. */
export function alterAttributes(current: Readonly<Record<string, string>>, modification: string | undefined): Record<string, string> {
  const result: Record<string, string> = { ...current };
  if (modification === undefined || modification.trim().length === 0) return result;
  for (const raw of modification.split(',')) {
    const entry = raw.trim();
    if (entry.length === 0) continue;
    const sign = entry[0];
    const body = entry.slice(1);
    if (sign === '-') {
      if (!Object.hasOwn(KNOWN_ATTRIBUTES, body)) throw new AttributeError(`unsupported key: ${body}`);
      delete result[body];
      continue;
    }
    const equals = body.indexOf('=');
    if (sign !== '+' || equals <= 0) throw new AttributeError(`attribute "${entry}" is not +key=value or -key`);
    const name = body.slice(0, equals);
    const value = body.slice(equals + 1);
    const allowed = KNOWN_ATTRIBUTES[name];
    if (allowed === undefined) throw new AttributeError(`unsupported key: ${name}`);
    if (!allowed.includes(value)) throw new AttributeError(`value ${value} of attribute ${name} is not one of ${allowed.join(', ')}`);
    result[name] = value;
  }
  return result;
}
