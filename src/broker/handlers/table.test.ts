import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RequestCode } from '../../protocol/index.js';
import { brokerHandlers } from './table.js';

test('broker handlers: SEND_MESSAGE_V2, the send every producer makes, reads its binary header in place; no other handler does', () => {
  const inPlace = brokerHandlers.filter((handler) => handler.readsInPlace === true).map((handler) => handler.code);
  assert.deepEqual(inPlace, [RequestCode.SEND_MESSAGE_V2]);
});
