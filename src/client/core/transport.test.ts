import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { testLogger } from '../../log/index.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import { RECONNECT_BACKOFF_BASE_MS, RECONNECT_BACKOFF_MAX_MS, ClientTransport } from './transport.js';

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('transport - a failed connect puts the address in a bounded, doubling back-off; time clears it', async () => {
  let now = 1_000_000;
  const transport = new ClientTransport({ logger: testLogger(), onRequest: () => undefined, onNewConnection: () => undefined, now: () => now });
  const address = `127.0.0.1:${await deadPort()}`;
  const attempt = async (): Promise<MQClientError> => {
    try {
      await transport.connection(address);
    } catch (error) {
      assert.ok(error instanceof MQClientError);
      assert.equal(error.code, ClientErrorCode.CONNECT_BROKER_EXCEPTION);
      assert.equal(error.retriable, true);
      return error;
    }
    assert.fail('connected to a dead port');
  };
  assert.doesNotMatch((await attempt()).remark, /next attempt/, 'the first failure is a real connect');
  assert.match((await attempt()).remark, new RegExp(`failed 1 time\\(s\\); next attempt in ${RECONNECT_BACKOFF_BASE_MS} ms`));
  now += RECONNECT_BACKOFF_BASE_MS;
  await attempt();
  assert.match((await attempt()).remark, new RegExp(`failed 2 time\\(s\\); next attempt in ${2 * RECONNECT_BACKOFF_BASE_MS} ms`));
  for (let failures = 3; failures <= 12; failures++) {
    now += RECONNECT_BACKOFF_MAX_MS;
    await attempt();
  }
  const capped = /next attempt in (\d+) ms/.exec((await attempt()).remark);
  assert.equal(Number(capped?.[1]), RECONNECT_BACKOFF_MAX_MS, 'the back-off is capped');
  await transport.close();
});
