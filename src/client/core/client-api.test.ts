import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeFrame, encodeFrameBuffer, PullMessageRequestHeader, RequestCode, ResponseCode, SerializeType, type ExtFields, type RemotingCommand } from '../../protocol/index.js';
import type { OutgoingRequest } from '../../remoting/index.js';
import { MQClientError } from '../errors.js';
import { ClientApi, processSendResponse, readSendResponse } from './client-api.js';
import type { ClientTransport } from './transport.js';

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

test('pullMessage - the request carries the fields encode() gives, and bname, in both header encodings', async () => {
  const sent: OutgoingRequest[] = [];
  const answer = { code: ResponseCode.PULL_NOT_FOUND, language: 'JAVA', version: 479, opaque: 1, flag: 1, extFields: { suggestWhichBrokerId: '0', nextBeginOffset: '42', minOffset: '0', maxOffset: '42' } };
  const transport = { invoke: async (_address: string, request: OutgoingRequest) => (sent.push(request), answer) };
  const api = new ClientApi(transport as unknown as ClientTransport);
  const headers: PullMessageRequestHeader[] = [
    { consumerGroup: 'G', topic: 'T', queueId: 3, queueOffset: 42, maxMsgNums: 32, sysFlag: 3, commitOffset: 40, suspendTimeoutMillis: 15_000, subscription: 'TagA || TagB', subVersion: 1_795_325_305_865, expressionType: 'TAG', maxMsgBytes: 1_048_576 },
    { consumerGroup: 'G', topic: 'T', queueId: 0, queueOffset: 0, maxMsgNums: 1, sysFlag: 2, commitOffset: 0, suspendTimeoutMillis: 0, subVersion: 0 },
  ];
  for (const header of headers) {
    const result = await api.pullMessage('127.0.0.1:10911', header, 'broker-a', 1000);
    assert.equal(result.status, 'NO_NEW_MSG');
    const request = sent.at(-1) as OutgoingRequest;
    assert.equal(request.code, RequestCode.PULL_MESSAGE);
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const command: RemotingCommand = { code: request.code, language: 'JAVA', version: 479, opaque: 7, flag: 0, extFields: request.extFields ?? {}, typedHeader: request.typedHeader, serializeType };
      const decoded = decodeFrame(encodeFrameBuffer(command).subarray(4));
      assert.deepEqual(decoded.extFields, { ...PullMessageRequestHeader.encode(header), bname: 'broker-a' }, `serializeType ${serializeType}`);
    }
  }
});
