import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AddressError,
  encodeSocketAddress,
  formatSocketAddress,
  ipBytes,
  IPV4_ADDRESS_BYTES,
  IPV6_ADDRESS_BYTES,
  splitHostPort,
} from './socket-address.js';

const hex = (buffer: Buffer): string => buffer.toString('hex').toUpperCase();

test('socket-address - IPv4 host is 4 address bytes and an int32 port', () => {
  // Java: ByteBuffer.put(InetAddress.getByName("192.168.1.20").getAddress()).putInt(10911)
  const bytes = encodeSocketAddress('192.168.1.20', 10911);
  assert.equal(bytes.length, IPV4_ADDRESS_BYTES);
  assert.equal(hex(bytes), 'C0A80114' + '00002A9F');
  assert.equal(formatSocketAddress(bytes), '192.168.1.20:10911');
});

test('socket-address - IPv6 host is 16 address bytes and an int32 port', () => {
  const bytes = encodeSocketAddress('2001:db8::1', 1234);
  assert.equal(bytes.length, IPV6_ADDRESS_BYTES);
  assert.equal(hex(bytes), '20010DB8000000000000000000000001' + '000004D2');
  // Java's Inet6Address.getHostAddress() writes every group, without "::".
  assert.equal(formatSocketAddress(bytes), '2001:db8:0:0:0:0:0:1:1234');
});

test('socket-address - an IPv4-mapped IPv6 address is written as IPv4', () => {
  assert.equal(hex(encodeSocketAddress('::ffff:10.0.0.5', 80)), '0A000005' + '00000050');
  assert.equal(hex(encodeSocketAddress('::FFFF:0a00:0005', 80)), '0A000005' + '00000050');
});

test('socket-address - formatSocketAddress reads at an offset inside a larger buffer', () => {
  const buffer = Buffer.concat([Buffer.from([0xaa, 0xbb]), encodeSocketAddress('10.0.0.5', 54321), Buffer.from([0xcc])]);
  assert.equal(formatSocketAddress(buffer, 2, IPV4_ADDRESS_BYTES), '10.0.0.5:54321');
});

test('socket-address - ipBytes parses the IPv6 forms and refuses what is not an IP', () => {
  assert.equal(ipBytes('::')?.toString('hex'), '0'.repeat(32));
  assert.equal(ipBytes('::1')?.toString('hex'), '0'.repeat(31) + '1');
  assert.equal(ipBytes('fe80::2%eth0')?.toString('hex'), 'fe80' + '0'.repeat(27) + '2');
  assert.equal(ipBytes('1:2:3:4:5:6:7:8')?.toString('hex'), '00010002000300040005000600070008');
  for (const bad of ['', 'localhost', '1.2.3', '1.2.3.256', '1.2.3.4.5', '1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', 'g::1', '12345::']) {
    assert.equal(ipBytes(bad), undefined, JSON.stringify(bad));
  }
  assert.throws(() => encodeSocketAddress('localhost', 1), AddressError);
});

test('socket-address - splitHostPort takes host:port and [v6]:port apart', () => {
  assert.deepEqual(splitHostPort('10.0.0.5:10911'), { host: '10.0.0.5', port: 10911 });
  assert.deepEqual(splitHostPort('[::1]:9876'), { host: '::1', port: 9876 });
  assert.deepEqual(splitHostPort('broker-a:0'), { host: 'broker-a', port: 0 });
  for (const bad of ['10.0.0.5', ':10911', '10.0.0.5:', '10.0.0.5:65536', '10.0.0.5:-1', '10.0.0.5:1e3', '10.0.0.5: 80']) {
    assert.throws(() => splitHostPort(bad), AddressError, bad);
  }
});
