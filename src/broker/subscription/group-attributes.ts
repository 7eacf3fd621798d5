/**
 * group-attributes.ts: how a group update's attributes change the stored ones
 * (AttributeUtil.alterCurrentAttributes): "+key" sets key, "-key" removes it, and a key without a
 * sign (a config read back from a broker) is kept as it is.
 */

export function alterAttributes(current: Readonly<Record<string, string>>, requested: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(requested)) {
    if (key.startsWith('+')) result[key.slice(1)] = value;
    else if (key.startsWith('-')) delete result[key.slice(1)];
    else result[key] = value;
  }
  return result;
}
