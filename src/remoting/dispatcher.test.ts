import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLogger } from '../log/index.js';
import {
  BodyError,
  createRequestCommand,
  GetConsumerListByGroupRequestHeader,
  RemotingFlag,
  decodeFrame,
  encodeFrameBuffer,
  RequestCode,
  ResponseCode,
  ResponseCodeError,
  SendMessageRequestHeaderV2,
  SerializeType,
  type RemotingCommand,
} from '../protocol/index.js';
import { RemotingClient } from './client.js';
import type { Connection } from './connection.js';
import { defineBodyHandler, defineHandler, Dispatcher, ok, type Handler } from './dispatcher.js';
import { RemotingServer } from './server.js';

/** A broken transport fails its test instead of hanging the run. */
const LIMIT = { timeout: 60_000 };


/** A connection stand-in that records what the dispatcher sends. */
function fakeConnection(): { connection: Connection; sent: RemotingCommand[]; done: () => number } {
  const sent: RemotingCommand[] = [];
  let done = 0;
  const fake = {
    remoteAddress: '10.0.0.5:50000',
    send: (command: RemotingCommand) => void sent.push(command),
    requestDone: () => void done++,
  };
  return { connection: fake as unknown as Connection, sent, done: () => done };
}

interface Ctx {
  readonly groups: Map<string, string[]>;
}

const handlers: Handler<Ctx>[] = [
  defineHandler({
    code: RequestCode.GET_CONSUMER_LIST_BY_GROUP,
    header: GetConsumerListByGroupRequestHeader,
    handle(ctx, { header }) {
      const ids = ctx.groups.get(header.consumerGroup);
      if (ids === undefined) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, `no consumer for this group, ${header.consumerGroup}`);
      return ok({ count: String(ids.length) }, Buffer.from(JSON.stringify({ consumerIdList: ids })));
    },
  }),
  defineHandler({
    code: RequestCode.SEND_MESSAGE_V2,
    header: SendMessageRequestHeaderV2,
    async handle(_ctx, { header }) {
      await Promise.resolve();
      if (header.topic === 'Denied') throw new ResponseCodeError(ResponseCode.NO_PERMISSION, 'the topic[Denied] sending is forbidden');
      return { code: ResponseCode.SUCCESS, extFields: { queueId: String(header.queueId) } };
    },
  }),
  defineBodyHandler({
    code: RequestCode.HEART_BEAT,
    handle(_ctx, { command }) {
      if (command.body === undefined) throw new BodyError('heartbeat: the request has no body');
      return {};
    },
  }),
  defineBodyHandler({
    code: RequestCode.UPDATE_CONSUMER_OFFSET,
    handle() {
      throw new Error('disk on fire');
    },
  }),
];

const ctx: Ctx = { groups: new Map([['GID', ['a@1', 'b@2']]]) };

const SEND_V2 = { a: 'PID', b: 'T', c: 'TBW102', d: '4', e: '2', f: '0', g: '1700000000000', h: '0' };

test('dispatcher - an unknown code is answered REQUEST_CODE_NOT_SUPPORTED (3), opaque echoed', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const response = await dispatcher.respond(fakeConnection().connection, createRequestCommand(999, { opaque: 77 }));
  assert.equal(response.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  assert.equal(response.code, 3);
  assert.equal(response.remark, ' request type 999 not supported');
  assert.equal(response.opaque, 77);
  assert.equal(response.flag, RemotingFlag.RESPONSE);
});

test('dispatcher - a handler result becomes a SUCCESS response with its extFields and body', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const request = createRequestCommand(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { opaque: 5, extFields: { consumerGroup: 'GID' } });
  const response = await dispatcher.respond(fakeConnection().connection, request);
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.equal(response.opaque, 5);
  assert.deepEqual(response.extFields, { count: '2' });
  assert.equal(response.body?.toString(), '{"consumerIdList":["a@1","b@2"]}');
  const heartbeat = await dispatcher.respond(fakeConnection().connection, createRequestCommand(RequestCode.HEART_BEAT, { opaque: 6, body: Buffer.from('{}') }));
  assert.equal(heartbeat.code, ResponseCode.SUCCESS);
  assert.deepEqual(dispatcher.codes.toSorted((a, b) => a - b), [15, 34, 38, 310]);
});

test('dispatcher - a HeaderError is SYSTEM_ERROR (1) with the field named in the remark', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const missing = await dispatcher.respond(fakeConnection().connection, createRequestCommand(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { opaque: 1 }));
  assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
  assert.match(missing.remark ?? '', /consumerGroup/);
  const bad = await dispatcher.respond(
    fakeConnection().connection,
    createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque: 2, extFields: { ...SEND_V2, e: 'three' } }),
  );
  assert.equal(bad.code, 1);
  assert.match(bad.remark ?? '', /queueId/);
  assert.match(bad.remark ?? '', /"three"/);
  const noBody = await dispatcher.respond(fakeConnection().connection, createRequestCommand(RequestCode.HEART_BEAT, { opaque: 3 }));
  assert.deepEqual([noBody.code, noBody.remark], [1, 'heartbeat: the request has no body']);
});

test('dispatcher - a ResponseCodeError is answered with its code and remark', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const denied = await dispatcher.respond(
    fakeConnection().connection,
    createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque: 9, extFields: { ...SEND_V2, b: 'Denied' } }),
  );
  assert.deepEqual([denied.code, denied.remark, denied.opaque], [ResponseCode.NO_PERMISSION, 'the topic[Denied] sending is forbidden', 9]);
  const noGroup = await dispatcher.respond(
    fakeConnection().connection,
    createRequestCommand(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { opaque: 10, extFields: { consumerGroup: 'none' } }),
  );
  assert.deepEqual([noGroup.code, noGroup.remark], [1, 'no consumer for this group, none']);
});

test('dispatcher - an unexpected handler error is SYSTEM_ERROR and logged as an error', LIMIT, async () => {
  const { logger, lines } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const response = await dispatcher.respond(fakeConnection().connection, createRequestCommand(RequestCode.UPDATE_CONSUMER_OFFSET, { opaque: 4 }));
  assert.deepEqual([response.code, response.remark], [1, 'disk on fire']);
  assert.ok(lines.some((line) => line.level === 50 && line.msg === 'request failed' && line['request'] === 'UPDATE_CONSUMER_OFFSET(15)'));
});

test('dispatcher - dispatch answers a request, but not a oneway one, and always marks it done', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const normal = fakeConnection();
  dispatcher.dispatch(normal.connection, createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque: 21, extFields: SEND_V2 }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(normal.done(), 1);
  assert.deepEqual(normal.sent.map((command) => [command.opaque, command.code, command.extFields['queueId']]), [[21, 0, '2']]);

  const oneway = fakeConnection();
  const flag = RemotingFlag.ONEWAY;
  dispatcher.dispatch(oneway.connection, createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque: 22, flag, extFields: SEND_V2 }));
  dispatcher.dispatch(oneway.connection, createRequestCommand(RequestCode.UPDATE_CONSUMER_OFFSET, { opaque: 23, flag }));
  dispatcher.dispatch(oneway.connection, createRequestCommand(999, { opaque: 24, flag }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(oneway.done(), 3);
  assert.deepEqual(oneway.sent, []);
});

test('dispatcher - two handlers for one code are refused', () => {
  const { logger } = captureLogger();
  const [first] = handlers;
  assert.ok(first !== undefined);
  assert.throws(() => new Dispatcher([first, first], ctx, logger), /two handlers for GET_CONSUMER_LIST_BY_GROUP\(38\)/);
});

test('dispatcher - over the network, a bad header is answered and the connection stays open', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const server = new RemotingServer({ logger, onRequest: (connection, request) => dispatcher.dispatch(connection, request) });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  const client = new RemotingClient({ logger });
  t.after(() => client.close());
  const address = `127.0.0.1:${port}`;
  const bad = await client.invoke(address, { code: RequestCode.GET_CONSUMER_LIST_BY_GROUP }, 5000);
  assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
  assert.match(bad.remark ?? '', /consumerGroup/);
  const unknown = await client.invoke(address, { code: 999 }, 5000);
  assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  const good = await client.invoke(address, { code: RequestCode.GET_CONSUMER_LIST_BY_GROUP, extFields: { consumerGroup: 'GID' } }, 5000);
  assert.equal(good.code, ResponseCode.SUCCESS);
  assert.equal(server.connectionCount, 1);
});

/** A SEND_MESSAGE_V2 request as a server decodes it when its handler reads headers in place. */
function unreadSend(extFields: Record<string, string>, opaque: number): RemotingCommand {
  const frame = encodeFrameBuffer(createRequestCommand(RequestCode.SEND_MESSAGE_V2, { opaque, extFields }), SerializeType.ROCKETMQ).subarray(4);
  const command = decodeFrame(frame, (code) => code === RequestCode.SEND_MESSAGE_V2);
  assert.ok(command.frame !== undefined);
  return command;
}

test('dispatcher - a handler whose codec reads binary headers reads them in place, else from extFields, which name the error', LIMIT, async () => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  assert.equal(dispatcher.readsInPlace(RequestCode.SEND_MESSAGE_V2), true);
  assert.equal(dispatcher.readsInPlace(RequestCode.GET_CONSUMER_LIST_BY_GROUP), false);
  assert.equal(dispatcher.readsInPlace(999), false);
  // Read in place: the request's extFields are never asked for.
  const unread = unreadSend(SEND_V2, 31);
  const untouched = new Proxy(unread, {
    get: (target, key) => {
      if (key === 'extFields') throw new Error('extFields asked for');
      return Reflect.get(target, key, target) as unknown;
    },
  });
  const fast = await dispatcher.respond(fakeConnection().connection, untouched);
  assert.deepEqual([fast.code, fast.opaque, fast.extFields], [ResponseCode.SUCCESS, 31, { queueId: '2' }]);
  // What the reader leaves (a number with a space, a missing field) goes the generic way.
  const spaced = await dispatcher.respond(fakeConnection().connection, unreadSend({ ...SEND_V2, e: ' 5' }, 32));
  assert.deepEqual([spaced.code, spaced.extFields], [ResponseCode.SUCCESS, { queueId: '5' }]);
  const withoutGroup: Record<string, string> = { ...SEND_V2 };
  delete withoutGroup['a'];
  const missing = await dispatcher.respond(fakeConnection().connection, unreadSend(withoutGroup, 33));
  assert.equal(missing.code, ResponseCode.SYSTEM_ERROR);
  assert.match(missing.remark ?? '', /producerGroup/);
});

test('dispatcher - over the network, a server whose connections read in place answers binary and JSON sends alike', LIMIT, async (t) => {
  const { logger } = captureLogger();
  const dispatcher = new Dispatcher(handlers, ctx, logger);
  const seen: (Buffer | undefined)[] = [];
  const server = new RemotingServer({
    logger,
    readsInPlace: (code) => dispatcher.readsInPlace(code),
    onRequest: (connection, request) => {
      seen.push(request.frame);
      dispatcher.dispatch(connection, request);
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  for (const serializeType of [SerializeType.ROCKETMQ, SerializeType.JSON]) {
    const client = new RemotingClient({ logger, serializeType });
    t.after(() => client.close());
    const answer = await client.invoke(`127.0.0.1:${port}`, { code: RequestCode.SEND_MESSAGE_V2, extFields: { ...SEND_V2, e: '7' } }, 5000);
    assert.deepEqual([answer.code, answer.extFields['queueId']], [ResponseCode.SUCCESS, '7']);
    const bad = await client.invoke(`127.0.0.1:${port}`, { code: RequestCode.SEND_MESSAGE_V2, extFields: { ...SEND_V2, d: 'x' } }, 5000);
    assert.equal(bad.code, ResponseCode.SYSTEM_ERROR);
    assert.match(bad.remark ?? '', /defaultTopicQueueNums/);
  }
  assert.deepEqual(seen.map((frame) => frame !== undefined), [true, true, false, false]);
});
