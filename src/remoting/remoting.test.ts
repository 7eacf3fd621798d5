import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { test, type TestContext } from 'node:test';
import { captureLogger, type Logger } from '../log/index.js';
import {
  createResponse,
  decodeFrame,
  encodeFrameBuffer,
  createRequestCommand,
  FrameDecoder,
  FrameError,
  FRAME_BYTES_MAX,
  RemotingFlag,
  SerializeType,
  type RemotingCommand,
} from '../protocol/index.js';
import { RemotingClient } from './client.js';
import type { Connection, ResponseHandler } from './connection.js';
import { RemotingClosedError, RemotingConnectError, RemotingTimeoutError, RemotingTooMuchRequestError } from './errors.js';
import { RemotingServer, type RemotingServerOptions } from './server.js';

/** A broken transport fails its test instead of hanging the run. */
const LIMIT = { timeout: 60_000 };

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

type OnRequest = (connection: Connection, request: RemotingCommand) => void;

async function startServer(
  t: TestContext,
  logger: Logger,
  onRequest: OnRequest,
  options: Partial<RemotingServerOptions> = {},
): Promise<{ server: RemotingServer; address: string; port: number }> {
  const server = new RemotingServer({ logger, onRequest, ...options });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return { server, address: `127.0.0.1:${port}`, port };
}

function startClient(t: TestContext, logger: Logger, options: Partial<ConstructorParameters<typeof RemotingClient>[0]> = {}): RemotingClient {
  const client = new RemotingClient({ logger, ...options });
  t.after(() => client.close());
  return client;
}

/** Answers every request at once with its extFields echoed and body "pong". */
const echo: OnRequest = (connection, request) => {
  connection.send(createResponse(request, 0, { extFields: request.extFields, body: Buffer.from('pong') }));
  connection.requestDone();
};

/** A plain socket that records the frames it receives. */
async function rawSocket(t: TestContext, port: number): Promise<{ socket: Socket; received: RemotingCommand[]; closed: () => boolean }> {
  const socket = connect({ host: '127.0.0.1', port });
  t.after(() => socket.destroy());
  const received: RemotingCommand[] = [];
  const decoder = new FrameDecoder();
  let closed = false;
  socket.on('data', (chunk: Buffer) => decoder.push(chunk, (frame) => received.push(decodeFrame(frame))));
  socket.on('error', () => undefined);
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received, closed: () => closed };
}

test('remoting - request and response are matched by opaque when answered out of order', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const held: [Connection, RemotingCommand][] = [];
  const { address } = await startServer(t, logger, (connection, request) => void held.push([connection, request]));
  const client = startClient(t, logger);
  const calls = ['0', '1', '2'].map((n) => client.invoke(address, { code: 11, extFields: { n } }, 5000));
  await waitFor(() => held.length === 3, 'three requests at the server');
  const opaques = new Set(held.map(([, request]) => request.opaque));
  assert.equal(opaques.size, 3, 'each request has its own opaque');
  for (const [connection, request] of [...held].reverse()) {
    connection.send(createResponse(request, 0, { body: Buffer.from(`answer ${request.extFields['n']}`) }));
    connection.requestDone();
  }
  const responses = await Promise.all(calls);
  assert.deepEqual(
    responses.map((response) => response.body?.toString()),
    ['answer 0', 'answer 1', 'answer 2'],
  );
  for (const response of responses) assert.equal(response.flag & RemotingFlag.RESPONSE, RemotingFlag.RESPONSE);
  assert.equal((await client.connection(address)).pendingRequests, 0);
});

test('remoting - a timeout rejects with RemotingTimeoutError and the late response is dropped', LIMIT, async (t) => {
  const { logger, lines } = captureLogger();
  const held: [Connection, RemotingCommand][] = [];
  const { address } = await startServer(t, logger, (connection, request) => {
    if (request.code === 999) held.push([connection, request]);
    else echo(connection, request);
  });
  const client = startClient(t, logger);
  await assert.rejects(client.invoke(address, { code: 999 }, 50), (error: unknown) => {
    assert.ok(error instanceof RemotingTimeoutError);
    assert.equal(error.timeoutMs, 50);
    assert.equal(error.address, address);
    assert.match(error.message, /UNKNOWN\(999\)/);
    return true;
  });
  const connection = await client.connection(address);
  assert.equal(connection.pendingRequests, 0);
  await waitFor(() => held.length === 1, 'the request at the server');
  const [late] = held;
  assert.ok(late !== undefined);
  late[0].send(createResponse(late[1], 0));
  late[0].requestDone();
  await waitFor(
    () => lines.some((line) => line.msg === 'response for no waiting request' && line['opaque'] === late[1].opaque),
    'the late response to be dropped with a log line',
  );
  // The connection is still good.
  const response = await client.invoke(address, { code: 11, extFields: { n: 'after' } }, 5000);
  assert.equal(response.extFields['n'], 'after');
  assert.equal(await client.connection(address), connection);
});

test('remoting - a oneway request gets no response', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const requests: RemotingCommand[] = [];
  const { port, address } = await startServer(t, logger, (connection, request) => {
    requests.push(request);
    // The transport leaves answering to its user; like the dispatcher, skip oneway requests.
    if ((request.flag & RemotingFlag.ONEWAY) === 0) connection.send(createResponse(request, 0));
    connection.requestDone();
  });
  // Through the client: invokeOneway sets the ONEWAY flag.
  const client = startClient(t, logger);
  await client.invokeOneway(address, { code: 15, extFields: { commitOffset: '1' } });
  await client.invoke(address, { code: 14 }, 5000);
  assert.deepEqual(requests.map((request) => [request.code, request.flag]), [[15, RemotingFlag.ONEWAY], [14, 0]]);
  // On the wire: only the normal requests are answered.
  const raw = await rawSocket(t, port);
  raw.socket.write(encodeFrameBuffer(createRequestCommand(15, { opaque: 1, flag: RemotingFlag.ONEWAY })));
  raw.socket.write(encodeFrameBuffer(createRequestCommand(14, { opaque: 2 })));
  raw.socket.write(encodeFrameBuffer(createRequestCommand(14, { opaque: 3 })));
  await waitFor(() => raw.received.length >= 2, 'two responses');
  assert.deepEqual(raw.received.map((response) => response.opaque), [2, 3]);
});

test('remoting - a server-initiated request is answered by the client onRequest', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const serverConnections: Connection[] = [];
  const { address } = await startServer(t, logger, echo, { onConnect: (connection) => void serverConnections.push(connection) });
  const seenByClient: RemotingCommand[] = [];
  const client = startClient(t, logger, {
    onRequest: (connection, request) => {
      seenByClient.push(request);
      connection.send(createResponse(request, 0, { extFields: { consumerGroup: request.extFields['consumerGroup'] ?? '' }, body: Buffer.from('status') }));
      connection.requestDone();
    },
  });
  await client.invoke(address, { code: 34 }, 5000);
  const [serverSide] = serverConnections;
  assert.ok(serverSide !== undefined);
  const response = await serverSide.invoke({ code: 221, extFields: { consumerGroup: 'GID' } }, 5000);
  assert.equal(response.code, 0);
  assert.equal(response.body?.toString(), 'status');
  assert.deepEqual(response.extFields, { consumerGroup: 'GID' });
  assert.equal(seenByClient.length, 1);
  assert.equal(seenByClient[0]?.code, 221);
});

test('remoting - closing a connection rejects its pending requests, and the client reconnects', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const held: RemotingCommand[] = [];
  const disconnects: string[] = [];
  const { address, server } = await startServer(t, logger, (connection, request) => {
    if (request.code === 999) held.push(request);
    else echo(connection, request);
  }, { onDisconnect: (_connection, reason) => void disconnects.push(reason) });
  const client = startClient(t, logger);
  const first = await client.connection(address);
  const waiting = [client.invoke(address, { code: 999 }, 60_000), client.invoke(address, { code: 999 }, 60_000)];
  await waitFor(() => held.length === 2, 'two held requests');
  first.close('test closes it');
  for (const call of waiting) {
    await assert.rejects(call, (error: unknown) => error instanceof RemotingClosedError && /test closes it/.test(error.message));
  }
  assert.equal(first.closed, true);
  assert.equal(first.pendingRequests, 0);
  await assert.rejects(first.invoke({ code: 11 }, 1000), RemotingClosedError);
  await waitFor(() => disconnects.length === 1 && server.connectionCount === 0, 'the server to see the close');
  // The next call makes a new connection.
  const again = await client.invoke(address, { code: 11, extFields: { n: '1' } }, 5000);
  assert.equal(again.extFields['n'], '1');
  assert.notEqual(await client.connection(address), first);
});

test('remoting - the peer closing rejects pending requests', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const held: RemotingCommand[] = [];
  const { address, server } = await startServer(t, logger, (_connection, request) => void held.push(request));
  const client = startClient(t, logger);
  const call = client.invoke(address, { code: 999 }, 60_000);
  await waitFor(() => held.length === 1, 'the held request');
  await server.close();
  await assert.rejects(call, RemotingClosedError);
  await assert.rejects(client.invoke(address, { code: 11 }, 1000), RemotingConnectError);
});

test('remoting - pendingRequestsMax refuses extra requests at once', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const held: [Connection, RemotingCommand][] = [];
  const { address } = await startServer(t, logger, (connection, request) => void held.push([connection, request]));
  const client = startClient(t, logger, { pendingRequestsMax: 2 });
  const first = client.invoke(address, { code: 11 }, 60_000);
  const second = client.invoke(address, { code: 11 }, 60_000);
  await waitFor(() => held.length === 2, 'two held requests');
  await assert.rejects(client.invoke(address, { code: 11 }, 60_000), RemotingTooMuchRequestError);
  const [one] = held;
  assert.ok(one !== undefined);
  one[0].send(createResponse(one[1], 0));
  assert.equal((await first).code, 0);
  // A slot is free again.
  const third = client.invoke(address, { code: 11 }, 60_000);
  await waitFor(() => held.length === 3, 'the third request');
  for (const [connection, request] of held.slice(1)) connection.send(createResponse(request, 0));
  assert.equal((await second).code, 0);
  assert.equal((await third).code, 0);
});

test('remoting - a request too large for a frame rejects at once, not at its timeout', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const { address } = await startServer(t, logger, echo);
  const client = startClient(t, logger);
  const connection = await client.connection(address);
  await assert.rejects(connection.invoke({ code: 310, body: Buffer.alloc(FRAME_BYTES_MAX) }, 60_000), FrameError);
  assert.equal(connection.pendingRequests, 0);
  assert.equal((await connection.invoke({ code: 11 }, 5000)).code, 0);
});

test('remoting - a failed reconnect racing a close does not leave an unhandled rejection', LIMIT, async (t) => {
  const { logger } = captureLogger();
  // A server that accepts one connection and then stops listening, so the next connect is refused.
  const accepted: Socket[] = [];
  const plain = createServer((socket) => {
    accepted.push(socket);
    plain.close();
  });
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  t.after(() => accepted.forEach((socket) => socket.destroy()));
  const address = `127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => process.off('unhandledRejection', onUnhandled));
  const client = startClient(t, logger);
  await client.connection(address);
  await waitFor(() => accepted.length === 1, 'the first connection');
  // disconnect() closes the old connection a moment later; by then a new attempt is under way.
  const disconnected = client.disconnect(address);
  const retry = client.connection(address);
  await disconnected;
  await assert.rejects(retry, RemotingConnectError);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(unhandled, []);
});

/** Frames for bad-frame tests: each must close only the connection that sent it. */
const BAD_FRAMES: { name: string; bytes: Buffer; end: boolean; logged: RegExp }[] = [
  { name: 'garbage (an HTTP request)', bytes: Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), end: false, logged: /is over the 16777216-byte limit/ },
  { name: 'oversize length', bytes: Buffer.from('01000000', 'hex'), end: false, logged: /frame length 16777216 is over/ },
  { name: 'too-small length', bytes: Buffer.from('00000002', 'hex'), end: false, logged: /frame length 2 is too small/ },
  { name: 'non-JSON header', bytes: Buffer.from('00000007' + '00000003' + '616263', 'hex'), end: false, logged: /header is not JSON/ },
  { name: 'unknown serialize type', bytes: Buffer.from('00000006' + '07000002' + '7B7D', 'hex'), end: false, logged: /unknown serialize type 7/ },
  {
    name: 'a half frame followed by end',
    bytes: encodeFrameBuffer(createRequestCommand(11, { opaque: 1, body: Buffer.alloc(100) })).subarray(0, 60),
    end: true,
    logged: /truncated frame/,
  },
];

test('remoting - bad frames close only that connection and are logged', LIMIT, async (t) => {
  const { logger, lines } = captureLogger();
  const disconnects: string[] = [];
  const { server, address, port } = await startServer(t, logger, echo, { onDisconnect: (_connection, reason) => void disconnects.push(reason) });
  const client = startClient(t, logger);
  const good = await client.connection(address);
  for (const { name, bytes, end, logged } of BAD_FRAMES) {
    const raw = await rawSocket(t, port);
    const before = disconnects.length;
    if (end) raw.socket.end(bytes);
    else raw.socket.write(bytes);
    await waitFor(() => raw.closed(), `the server to close the connection after ${name}`);
    await waitFor(() => disconnects.length === before + 1, `the server to drop the connection after ${name}`);
    assert.ok(
      lines.some((line) => line.level >= 40 && logged.test(`${line.msg} ${String(line['reason'] ?? '')}`)),
      `a warning for ${name}`,
    );
    assert.deepEqual(raw.received, [], `no answer to ${name}`);
    // The well-behaved client is still served on its own connection.
    const response = await client.invoke(address, { code: 11, extFields: { n: name } }, 5000);
    assert.equal(response.extFields['n'], name);
    assert.equal(await client.connection(address), good);
    assert.equal(server.connectionCount, 1);
  }
});

test('remoting - back-pressure: a client that never reads makes the server pause reading, and resume when it reads', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const responseBody = Buffer.alloc(256 * 1024, 1);
  let handled = 0;
  const serverConnections: Connection[] = [];
  const { port, address } = await startServer(
    t,
    logger,
    (connection, request) => {
      handled++;
      connection.send(createResponse(request, 0, { body: responseBody }));
      connection.requestDone();
    },
    {
      onConnect: (connection) => void serverConnections.push(connection),
      writeHighWaterBytes: 64 * 1024,
      writeBufferBytesMax: 1024 * 1024 * 1024,
    },
  );
  const raw = await rawSocket(t, port);
  raw.socket.pause();
  const count = 300;
  const requestBody = Buffer.alloc(64 * 1024, 2);
  raw.socket.write(
    Buffer.concat(Array.from({ length: count }, (_, index) => encodeFrameBuffer(createRequestCommand(11, { opaque: index + 1, body: requestBody })))),
  );
  await waitFor(() => serverConnections.length === 1, 'the raw connection at the server');
  const serverSide = serverConnections[0];
  assert.ok(serverSide !== undefined);
  await waitFor(() => serverSide.readingPaused, 'the server to stop reading');
  assert.ok(handled > 0 && handled < count, `handled ${handled} of ${count} before pausing`);
  assert.equal(serverSide.closed, false);
  // Another client is served meanwhile.
  const client = startClient(t, logger);
  assert.equal((await client.invoke(address, { code: 11 }, 5000)).body?.length, responseBody.length);
  // Once the client reads, everything is answered, in order.
  raw.socket.resume();
  await waitFor(() => raw.received.length === count, `all ${count} responses`, 60_000);
  assert.deepEqual(
    raw.received.map((response) => response.opaque),
    Array.from({ length: count }, (_, index) => index + 1),
  );
  assert.equal(handled, count + 1);
  await waitFor(() => !serverSide.readingPaused, 'the server to read again');
});

test('remoting - back-pressure: past writeBufferBytesMax the server closes that connection while others are served', LIMIT, async (t) => {
  const { logger, lines } = captureLogger();
  const responseBody = Buffer.alloc(512 * 1024, 1);
  const disconnects: string[] = [];
  const { port, address } = await startServer(
    t,
    logger,
    (connection, request) => {
      connection.send(createResponse(request, 0, { body: request.code === 11 ? responseBody : undefined }));
      connection.requestDone();
    },
    {
      onDisconnect: (_connection, reason) => void disconnects.push(reason),
      writeHighWaterBytes: 64 * 1024,
      writeBufferBytesMax: 1024 * 1024,
    },
  );
  const client = startClient(t, logger);
  assert.equal((await client.invoke(address, { code: 14 }, 5000)).code, 0);
  const raw = await rawSocket(t, port);
  raw.socket.pause();
  raw.socket.write(Buffer.concat(Array.from({ length: 100 }, (_, index) => encodeFrameBuffer(createRequestCommand(11, { opaque: index + 1 })))));
  await waitFor(() => disconnects.includes('peer does not read its responses'), 'the server to drop the slow reader');
  assert.ok(lines.some((line) => line.level === 40 && line.msg === 'closing connection: peer does not read'));
  assert.equal((await client.invoke(address, { code: 14 }, 5000)).code, 0);
  assert.equal(disconnects.length, 1, 'only the slow reader was dropped');
});

test('remoting - back-pressure: reaching inFlightRequestsMax requests in flight pauses reading', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const held: [Connection, RemotingCommand][] = [];
  const { address } = await startServer(t, logger, (connection, request) => void held.push([connection, request]), {
    inFlightRequestsMax: 2,
  });
  const serverSide = (): Connection | undefined => held[0]?.[0];
  const client = startClient(t, logger);
  const calls = [client.invoke(address, { code: 11 }, 60_000)];
  await waitFor(() => held.length === 1, 'the first request');
  assert.equal(serverSide()?.readingPaused, false);
  calls.push(client.invoke(address, { code: 11 }, 60_000));
  await waitFor(() => held.length === 2, 'the second request');
  assert.equal(serverSide()?.readingPaused, true);
  for (const [connection, request] of held) {
    connection.send(createResponse(request, 0));
    connection.requestDone();
  }
  await Promise.all(calls);
  assert.equal(serverSide()?.readingPaused, false);
});

test('remoting - connect failures are RemotingConnectErrors', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const client = startClient(t, logger, { connectTimeoutMs: 2000 });
  for (const address of ['not-an-address', '127.0.0.1:0', '127.0.0.1:70000', ':9876']) {
    await assert.rejects(client.invoke(address, { code: 11 }, 1000), RemotingConnectError, address);
  }
  // A port nobody listens on: take a free one and close it again.
  const plain = createServer();
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const port = (plain.address() as AddressInfo).port;
  await new Promise((resolve) => plain.close(resolve));
  await assert.rejects(client.invoke(`127.0.0.1:${port}`, { code: 11 }, 1000), (error: unknown) => {
    assert.ok(error instanceof RemotingConnectError);
    assert.match(String((error.cause as Error | undefined)?.message), /ECONNREFUSED/);
    return true;
  });
  await client.close();
  await assert.rejects(
    client.connection(`127.0.0.1:${port}`),
    (error: unknown) => error instanceof RemotingConnectError && (error.cause as Error | undefined)?.message === 'client closed',
  );
});

test('remoting - a handler may read a binary response frame itself; one it declines, and every JSON one, is decoded for onResponse', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const { address } = await startServer(t, logger, echo);
  const outcomes: string[] = [];
  /** Takes the frame when its request asked for it (extFields take=yes), and checks the frame is this request's answer. */
  const handler = (label: string): ResponseHandler => ({
    onResponseFrame(frame: Buffer): boolean {
      const command = decodeFrame(frame);
      outcomes.push(`${label} frame ${command.extFields['take']}`);
      return command.extFields['take'] === 'yes';
    },
    onResponse(response: RemotingCommand): void {
      outcomes.push(`${label} response ${response.extFields['take']} ${response.body?.toString()}`);
    },
    onError(error: Error): void {
      outcomes.push(`${label} error ${error.message}`);
    },
  });
  for (const serializeType of [SerializeType.ROCKETMQ, SerializeType.JSON]) {
    const client = startClient(t, logger, { serializeType });
    const connection = await client.connection(address);
    outcomes.length = 0;
    connection.invokeWith({ code: 11, extFields: { take: 'yes' } }, 5000, handler('a'));
    connection.invokeWith({ code: 11, extFields: { take: 'no' } }, 5000, handler('b'));
    await waitFor(() => outcomes.length >= (serializeType === SerializeType.ROCKETMQ ? 3 : 2) && connection.pendingRequests === 0, 'both answers');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expected = serializeType === SerializeType.ROCKETMQ ? ['a frame yes', 'b frame no', 'b response no pong'] : ['a response yes pong', 'b response no pong'];
    assert.deepEqual(outcomes, expected, `serializeType ${serializeType}`);
  }
});
