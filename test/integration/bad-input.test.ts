/**
 * bad-input.test.ts: garbage on the wire closes that one connection, never the server, and loses
 * nothing stored. Each case is sent to both the name server and the broker port.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  GetMaxOffsetRequestHeader,
  OffsetResponseHeader,
  PullMessageRequestHeader,
  RequestCode,
  ResponseCode,
  decodeFrame,
  encodeFrameBuffer,
  createRequestCommand,
} from '../../src/protocol/index.js';
import { decodeRecord } from '../../src/message/index.js';
import type { RemotingClient } from '../../src/remoting/index.js';
import { sendMessage, sendResult } from '../harness/broker-requests.js';
import { adminClient, createTopic, startBroker, startNamesrv, type TestBroker, type TestNamesrv } from '../harness/cluster.js';

let namesrv: TestNamesrv;
let broker: TestBroker;
let admin: RemotingClient;
const topic = 'BadInputTopic';

/** Writes bytes on a fresh socket (optionally half-closing it) and resolves when the server closes it. */
function sendRaw(address: string, bytes: Buffer, endAfter: boolean): Promise<{ closedByServer: boolean; received: Buffer }> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closedByServer: false, received: Buffer.concat(chunks) });
    }, 10_000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const received = Buffer.concat(chunks);
      // A whole response frame arrived: the server answered instead of closing.
      if (received.length >= 4 && received.length >= 4 + received.readUInt32BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve({ closedByServer: false, received });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closedByServer: true, received: Buffer.concat(chunks) });
    });
    socket.on('connect', () => {
      socket.write(bytes);
      if (endAfter) socket.end();
    });
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

function lengthPrefixed(length: number, rest: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(length >>> 0, 0);
  return Buffer.concat([head, rest]);
}

const cases: Record<string, { bytes: Buffer; endAfter: boolean }> = {
  'garbage bytes': { bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), endAfter: false },
  'an oversize length': { bytes: lengthPrefixed(64 * 1024 * 1024, Buffer.alloc(16)), endAfter: false },
  'a length too small for a header': { bytes: lengthPrefixed(2, Buffer.alloc(2)), endAfter: false },
  'a header that is not JSON': {
    bytes: (() => {
      const header = Buffer.from('{"code":105, this is not json');
      const frame = Buffer.alloc(8 + header.length);
      frame.writeInt32BE(4 + header.length, 0);
      frame.writeInt32BE(header.length, 4);
      header.copy(frame, 8);
      return frame;
    })(),
    endAfter: false,
  },
  'a header length past the frame': {
    bytes: (() => {
      const frame = Buffer.alloc(12);
      frame.writeInt32BE(8, 0);
      frame.writeInt32BE(1000, 4);
      return frame;
    })(),
    endAfter: false,
  },
  'half a frame, then the end of the stream': { bytes: lengthPrefixed(100, Buffer.alloc(30)), endAfter: true },
};

async function sendOne(index: number): Promise<void> {
  sendResult(await sendMessage(admin, broker.address, { topic, body: `message-${index}`, properties: { TAGS: 'TagA' } }));
}

async function readAll(): Promise<string[]> {
  const extFields = PullMessageRequestHeader.encode({
    consumerGroup: 'GID_bad',
    topic,
    queueId: 0,
    queueOffset: 0,
    maxMsgNums: 32,
    sysFlag: 0,
    commitOffset: 0,
    suspendTimeoutMillis: 0,
    subVersion: 0,
    subscription: '*',
  });
  const response = await admin.invoke(broker.address, { code: RequestCode.PULL_MESSAGE, extFields: { ...extFields, sysFlag: '4' } }, 3000);
  assert.equal(response.code, ResponseCode.SUCCESS, response.remark);
  const bodies: string[] = [];
  const body = response.body ?? Buffer.alloc(0);
  for (let at = 0; at < body.length; ) {
    const decoded = decodeRecord(body, at, true);
    assert.equal(decoded.kind, 'MESSAGE');
    if (decoded.kind !== 'MESSAGE') break;
    bodies.push(decoded.message.body.toString());
    at += decoded.message.size;
  }
  return bodies;
}

describe('bad input', { timeout: 120_000 }, () => {
  before(async () => {
    admin = adminClient();
    namesrv = await startNamesrv();
    broker = await startBroker({ namesrvAddr: namesrv.address });
    await createTopic(admin, broker.address, namesrv.address, topic, 1);
    for (let index = 0; index < 5; index++) await sendOne(index);
  });

  after(async () => {
    await admin.close();
    await broker.stop(true);
    await namesrv.stop();
  });

  for (const [name, { bytes, endAfter }] of Object.entries(cases)) {
    test(`bad input - ${name} closes that connection; both servers keep serving`, async () => {
      for (const address of [namesrv.address, broker.address]) {
        const outcome = await sendRaw(address, bytes, endAfter);
        assert.ok(outcome.closedByServer, `${address} closed the connection`);
      }
      const route = await admin.invoke(namesrv.address, { code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic } }, 3000);
      assert.equal(route.code, ResponseCode.SUCCESS);
      const max = await admin.invoke(broker.address, { code: RequestCode.GET_MAX_OFFSET, extFields: GetMaxOffsetRequestHeader.encode({ topic, queueId: 0 }) }, 3000);
      assert.equal(OffsetResponseHeader.decode(max.extFields).offset, 5);
      assert.deepEqual(await readAll(), ['message-0', 'message-1', 'message-2', 'message-3', 'message-4']);
    });
  }

  test('bad input - a request with a bad header field gets SYSTEM_ERROR naming it, on a connection that stays open', async () => {
    const frame = encodeFrameBuffer(createRequestCommand(RequestCode.GET_MAX_OFFSET, { opaque: 7, extFields: { topic, queueId: 'zero' } }));
    const outcome = await sendRaw(broker.address, frame, false);
    assert.equal(outcome.closedByServer, false);
    const response = decodeFrame(outcome.received.subarray(4));
    assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
    assert.equal(response.opaque, 7);
    assert.match(response.remark ?? '', /queueId/);
  });

  test('bad input - an unknown request code gets REQUEST_CODE_NOT_SUPPORTED', async () => {
    for (const address of [namesrv.address, broker.address]) {
      const response = await admin.invoke(address, { code: 9999 }, 3000);
      assert.equal(response.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
    }
  });
});
