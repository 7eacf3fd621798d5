/**
 * put-result.ts: the store's put status as a send response code and remark
 * (SendMessageProcessor.handlePutMessageResult).
 */
import { ResponseCode } from '../../protocol/index.js';
import type { HandlerResult } from '../../remoting/index.js';
import type { PutMessageResult } from '../../store/index.js';

export function putResultToResponse(result: PutMessageResult, maxMessageSize: number): HandlerResult {
  switch (result.status) {
    case 'PUT_OK':
      return { code: ResponseCode.SUCCESS };
    case 'FLUSH_DISK_TIMEOUT':
      return { code: ResponseCode.FLUSH_DISK_TIMEOUT };
    case 'CREATE_MAPPED_FILE_FAILED':
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'create mapped file failed, server is busy or broken.' };
    case 'MESSAGE_ILLEGAL':
    case 'PROPERTIES_SIZE_EXCEEDED':
      return {
        code: ResponseCode.MESSAGE_ILLEGAL,
        remark: `the message is illegal, maybe msg body or properties length not matched. msg body length limit ${maxMessageSize}B, msg properties length limit 32KB. (${result.reason})`,
      };
    case 'SERVICE_NOT_AVAILABLE':
      return {
        code: ResponseCode.SERVICE_NOT_AVAILABLE,
        remark: `service not available now. It may be caused by one of the following reasons: the broker's disk is full, messages are put to the slave, message store has been shut down, etc. (${result.reason})`,
      };
    case 'OS_PAGE_CACHE_BUSY':
      return { code: ResponseCode.SYSTEM_BUSY, remark: '[PC_SYNCHRONIZED]broker busy, start flow control for a while' };
  }
}
