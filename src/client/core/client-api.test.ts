import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, encodeFrameBuffer, SerializeType, type ExtFields, type RemotingCommand } from '../../protocol/index.js';
import { MQClientError } from '../errors.js';
import { processSendResponse, readSendResponse } from './client-api.js';

const frameOf = (code: number, extFields: ExtFields, remark?: string): Buffer => {
  const command: RemotingCommand = { code, language: 'JAVA', version: 479, opaque: 3, flag: 1, extFields, serializeType: SerializeType.ROCKETMQ, ...(remark === undefined ? {} : { remark }) };
  return encodeFrameBuffer(command).subarray(4);
};

test('readSendResponse gives what processSendResponse gives for every result code; other codes are left to it', () => {
  const header = { msgId: '7F00000100002A9F00000000000BE1A2', queueId: '1', queueOffset: '42' };
  const variants: ExtFields[] = [header, { ...header, MSG_REGION: 'east', TRACE_ON: 'false', transactionId: 'T' }, { ...header, MSG_REGION: '', TRACE_ON: 'no' }];
  for (const code of [0, 10, 11, 12]) {
    for (const extFields of variants) {
      const frame = frameOf(code, extFields);
      const fast = readSendResponse(frame);
      assert.notEqual(fast, undefined, `code ${code}`);
      assert.deepEqual(fast, processSendResponse(decodeFrame(frame), '127.0.0.1:10911'), `code ${code} ${JSON.stringify(extFields)}`);
    }
  }
  for (const code of [1, 17, 14, 25]) {
    const frame = frameOf(code, header, 'refused');
    assert.equal(readSendResponse(frame), undefined, `code ${code}`);
    assert.throws(() => processSendResponse(decodeFrame(frame), '127.0.0.1:10911'), (error: unknown) => error instanceof MQClientError && error.code === code);
  }
});
