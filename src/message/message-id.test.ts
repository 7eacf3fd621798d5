import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createOffsetMessageId, decodeOffsetMessageId, MessageIdError, UniqueIdGenerator } from './message-id.js';
import { encodeSocketAddress } from './socket-address.js';

test('message-id - offset id is store host + port + commitlog offset, 32 uppercase hex chars', () => {
  // Java: ByteBuffer.allocate(16).put(ip).putInt(10911).putLong(1234567890123L), UtilAll.bytes2string.
  const id = createOffsetMessageId(encodeSocketAddress('192.168.1.20', 10911), 1234567890123);
  assert.equal(id, 'C0A80114' + '00002A9F' + '0000011F71FB04CB');
  assert.equal(id.length, 32);
  assert.deepEqual(decodeOffsetMessageId(id), { storeAddress: '192.168.1.20:10911', commitLogOffset: 1234567890123 });
  // Java's string2bytes upper-cases first, so lower-case ids are accepted too.
  assert.deepEqual(decodeOffsetMessageId(id.toLowerCase()), { storeAddress: '192.168.1.20:10911', commitLogOffset: 1234567890123 });
});

test('message-id - offset id with an IPv6 store host is 56 hex chars', () => {
  const id = createOffsetMessageId(encodeSocketAddress('fe80::2', 10911), 5);
  // Printed by Java 17 for the same bytes.
  assert.equal(id, 'FE80000000000000000000000000000200002A9F0000000000000005');
  assert.deepEqual(decodeOffsetMessageId(id), { storeAddress: 'fe80:0:0:0:0:0:0:2:10911', commitLogOffset: 5 });
});

test('message-id - offset ids agree with the bytes written as an int64, across hosts that alternate and change in place (seeded)', () => {
  const seed = Number(process.env['SEED'] ?? Date.now() % 100_000);
  let state = seed;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
  const expected = (host: Buffer, offset: number): string => {
    const bytes = Buffer.alloc(host.length + 8);
    host.copy(bytes);
    bytes.writeBigInt64BE(BigInt(offset), host.length);
    return bytes.toString('hex').toUpperCase();
  };
  const hosts = [encodeSocketAddress('192.168.1.20', 10911), encodeSocketAddress('10.0.0.1', 10911), encodeSocketAddress('fe80::2', 10911)];
  for (let step = 0; step < 5_000; step++) {
    const host = hosts[Math.floor(random() * hosts.length)] as Buffer;
    // Offsets of every size up to 2^53, some negative (two's complement, as Java's putLong).
    const magnitude = Math.floor(random() * 2 ** Math.floor(random() * 54));
    const offset = random() < 0.05 ? -magnitude : magnitude;
    assert.equal(createOffsetMessageId(host, offset), expected(host, offset), `seed ${seed} step ${step}: ${host.toString('hex')} ${offset}`);
    // Now and then the same Buffer holds other bytes.
    if (step % 1000 === 999) host[3] = ((host[3] as number) + 1) & 0xff;
  }
  assert.throws(() => createOffsetMessageId(hosts[0] as Buffer, 2 ** 53), RangeError);
});

test('message-id - what is not an offset id is refused', () => {
  for (const bad of ['', 'C0A80114', 'C0A8011400002A9F0000011F71FB04C', 'C0A8011400002A9F0000011F71FB04CBAA', 'G0A8011400002A9F0000011F71FB04CB', 'C0A80114 0002A9F0000011F71FB04CB']) {
    assert.throws(() => decodeOffsetMessageId(bad), MessageIdError, bad);
  }
  // An offset beyond 2^53 cannot be a CommitLog offset of ours.
  assert.throws(() => decodeOffsetMessageId('C0A8011400002A9F7FFFFFFFFFFFFFFF'), RangeError);
});

test('message-id - UNIQ_KEY layout: ip, pid low 16 bits, salt, ms since month start, counter', () => {
  const now = new Date(2024, 1, 3, 4, 5, 6, 7).getTime(); // local time, as Java's Calendar.getInstance()
  const generator = new UniqueIdGenerator(Buffer.from([10, 0, 0, 5]), 0x12345, -2, now);
  const elapsedMs = ((2 * 24 + 4) * 60 + 5) * 60 * 1000 + 6007; // 187506007 = 0x0B2D1D57
  assert.equal(elapsedMs, 0x0b2d1d57);
  const first = generator.next(now);
  assert.equal(first, '0A000005' + '2345' + 'FFFFFFFE' + '0B2D1D57' + '0000');
  assert.equal(first.length, 32);
  assert.equal(generator.next(now + 1), '0A000005' + '2345' + 'FFFFFFFE' + '0B2D1D58' + '0001');
});

test('message-id - UNIQ_KEY counter wraps at 16 bits', () => {
  const now = new Date(2024, 1, 1).getTime();
  const generator = new UniqueIdGenerator(Buffer.from([127, 0, 0, 1]), 1, 0, now);
  const prefix = '7F000001' + '0001' + '00000000' + '00000000';
  let last = '';
  for (let index = 0; index <= 0xffff; index++) last = generator.next(now);
  assert.equal(last, prefix + 'FFFF');
  assert.equal(generator.next(now), prefix + '0000');
  assert.equal(generator.next(now), prefix + '0001');
});

test('message-id - UNIQ_KEY time restarts each month and wraps like a Java int after 24.8 days', () => {
  const january = new Date(2024, 0, 2).getTime();
  const generator = new UniqueIdGenerator(Buffer.from([127, 0, 0, 1]), 1, 0, january);
  // 30 days = 2592000000 ms, over 2^31: Java's (int) cast makes it negative, and writeInt prints
  // the two's-complement bits, 9A7EC800.
  assert.equal(generator.next(new Date(2024, 0, 31).getTime()).slice(20, 28), '9A7EC800');
  // The first millisecond of February starts again from 0.
  assert.equal(generator.next(new Date(2024, 1, 1).getTime()).slice(20, 28), '00000000');
  assert.equal(generator.next(new Date(2024, 1, 1, 0, 0, 1).getTime()).slice(20, 28), '000003E8');
});

test('message-id - UNIQ_KEY with an IPv6 address is 56 hex chars', () => {
  const ip = Buffer.from('20010db8000000000000000000000001', 'hex');
  const now = new Date(2024, 5, 1).getTime();
  const id = new UniqueIdGenerator(ip, 7, 0x01020304, now).next(now);
  assert.equal(id, '20010DB8000000000000000000000001' + '0007' + '01020304' + '00000000' + '0000');
  assert.equal(id.length, 56);
});
