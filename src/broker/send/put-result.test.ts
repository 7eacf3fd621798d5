import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResponseCode } from '../../protocol/index.js';
import { putResultToResponse } from './put-result.js';

test('put-result - a full disk answers SERVICE_NOT_AVAILABLE and the remark keeps the store\'s reason', () => {
  const reason = 'the disk is full: 93% of the disk holding /store/commitlog is used, over diskSpaceWarningLevelRatio 90%';
  const response = putResultToResponse({ status: 'SERVICE_NOT_AVAILABLE', reason }, 4 * 1024 * 1024);
  assert.equal(response.code, ResponseCode.SERVICE_NOT_AVAILABLE);
  assert.match(response.remark ?? '', /the broker's disk is full/);
  assert.ok(response.remark?.includes(reason), response.remark);
});

test('put-result - a SYNC_FLUSH put whose fdatasync outlasted syncFlushTimeout answers FLUSH_DISK_TIMEOUT (10), a stored put Java counts as sent', () => {
  const response = putResultToResponse({ status: 'FLUSH_DISK_TIMEOUT', messages: [] }, 4 * 1024 * 1024);
  assert.equal(response.code, ResponseCode.FLUSH_DISK_TIMEOUT);
  assert.equal(ResponseCode.FLUSH_DISK_TIMEOUT, 10);
  assert.equal(putResultToResponse({ status: 'OS_PAGE_CACHE_BUSY', reason: 'both write buffers are full' }, 1024).code, ResponseCode.SYSTEM_BUSY);
});
