/**
 * socket-address.ts: a host address as RocketMQ writes it into a stored record (BORNHOST,
 * STOREHOST) and into an offset message id: the IP address's bytes followed by the port as an int32,
 * so 8 bytes for IPv4 and 20 for IPv6. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is written as
 * IPv4, because RocketMQ 4.x clients read only the IPv4 form.
 */

export const IPV4_ADDRESS_BYTES = 8;
export const IPV6_ADDRESS_BYTES = 20;

export class AddressError extends Error {
  override name = 'AddressError';
}

/** Splits "host:port" or "[v6]:port" into its parts; throws AddressError when it is not one. */
export function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  if (colon <= 0) throw new AddressError(`address "${address}" is not host:port`);
  let host = address.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = address.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new AddressError(`address "${address}" has no valid port`);
  }
  return { host, port };
}

function parseIPv4(host: string): number[] | undefined {
  const parts = host.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const value = Number(part);
    if (value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

function parseIPv6(host: string): number[] | undefined {
  const zone = host.indexOf('%');
  const text = zone >= 0 ? host.slice(0, zone) : host;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): string[] => (half.length === 0 ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const words: number[] = [];
  const tailWords: number[] = [];
  for (const [list, into] of [[head, words], [tail, tailWords]] as const) {
    for (const group of list) {
      const v4 = group.includes('.') ? parseIPv4(group) : undefined;
      if (v4) {
        into.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(group)) {
        into.push(parseInt(group, 16));
      } else {
        return undefined;
      }
    }
  }
  const missing = 8 - words.length - tailWords.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...words, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tailWords];
  return all.flatMap((word) => [word >> 8, word & 0xff]);
}

/** The IP bytes of `host` (4 or 16); IPv4-mapped IPv6 gives 4. Undefined when it is not an IP. */
export function ipBytes(host: string): Buffer | undefined {
  const v4 = parseIPv4(host);
  if (v4) return Buffer.from(v4);
  const v6 = parseIPv6(host);
  if (!v6) return undefined;
  const mapped = v6.slice(0, 10).every((byte) => byte === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return Buffer.from(mapped ? v6.slice(12) : v6);
}

/** Encodes ip and port as stored in a record; throws AddressError if `host` is not an IP address. */
export function encodeSocketAddress(host: string, port: number): Buffer {
  const ip = ipBytes(host);
  if (!ip) throw new AddressError(`"${host}" is not an IP address`);
  const out = Buffer.alloc(ip.length + 4);
  ip.copy(out, 0);
  out.writeInt32BE(port, ip.length);
  return out;
}

/** Formats bytes written by encodeSocketAddress as "ip:port" (IPv6 without brackets, as Java). */
export function formatSocketAddress(bytes: Buffer, at = 0, length = bytes.length - at): string {
  const port = bytes.readInt32BE(at + length - 4);
  if (length === IPV4_ADDRESS_BYTES) {
    return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}:${port}`;
  }
  const words: string[] = [];
  for (let index = 0; index < 16; index += 2) words.push(bytes.readUInt16BE(at + index).toString(16));
  return `${words.join(':')}:${port}`;
}
