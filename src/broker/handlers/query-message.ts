// RequestCode.QUERY_MESSAGE (12): the newest messages of a topic carrying a key (KEYS or UNIQ_KEY)
// within a store-time range, from the IndexFiles (QueryMessageProcessor.queryMessage). A lookup by
// unique key (extFields _UNIQUE_KEY_QUERY=true) returns up to defaultQueryMaxNum whatever maxNum
// says. The body is the stored records back to back; QUERY_NOT_FOUND when none matches.
import {
  QueryMessageRequestHeader,
  QueryMessageResponseHeader,
  RequestCode,
  ResponseCode,
  UNIQUE_MSG_QUERY_FLAG,
} from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const queryMessageHandler = defineHandler<BrokerContext, typeof QueryMessageRequestHeader.fields>({
  code: RequestCode.QUERY_MESSAGE,
  header: QueryMessageRequestHeader,
  async handle(ctx, { header, command }) {
    const uniqueKey = command.extFields[UNIQUE_MSG_QUERY_FLAG] === 'true';
    const result = await ctx.store.queryMessage({
      topic: header.topic,
      key: header.key,
      maxNum: uniqueKey ? ctx.storeConfig.defaultQueryMaxNum : header.maxNum,
      beginTimestamp: header.beginTimestamp,
      endTimestamp: header.endTimestamp,
    });
    const extFields = QueryMessageResponseHeader.encode({
      indexLastUpdateTimestamp: result.indexLastUpdateTimestamp,
      indexLastUpdatePhyoffset: result.indexLastUpdatePhyoffset,
    });
    if (result.records.length === 0) {
      return { code: ResponseCode.QUERY_NOT_FOUND, remark: 'can not find message, maybe time range not correct', extFields };
    }
    return { code: ResponseCode.SUCCESS, extFields, body: Buffer.concat(result.records as Buffer[]) };
  },
});
