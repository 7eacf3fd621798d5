import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withoutNamespace, wrapNamespace } from './namespace.js';

test('namespace - wraps and unwraps like NamespaceUtil, keeping %RETRY% and %DLQ% outside', () => {
  assert.equal(wrapNamespace('ns', 'T'), 'ns%T');
  assert.equal(wrapNamespace('ns', 'ns%T'), 'ns%T', 'already wrapped');
  assert.equal(wrapNamespace('ns', '%RETRY%G'), '%RETRY%ns%G');
  assert.equal(wrapNamespace('ns', '%DLQ%G'), '%DLQ%ns%G');
  assert.equal(wrapNamespace('', 'T'), 'T');
  assert.equal(wrapNamespace('ns', 'TBW102'), 'TBW102', 'system topics are never wrapped');
  assert.equal(wrapNamespace('ns', 'rmq_sys_x'), 'rmq_sys_x');
  assert.equal(withoutNamespace('ns%T', 'ns'), 'T');
  assert.equal(withoutNamespace('%RETRY%ns%G', 'ns'), '%RETRY%G');
  assert.equal(withoutNamespace('other%T', 'ns'), 'other%T', 'another namespace stays');
  assert.equal(withoutNamespace('T', ''), 'T');
});
