// RequestCode.VIEW_MESSAGE_BY_ID (33): the stored record at a CommitLog offset (the offset part
// of an offset message id).
import { RequestCode, ResponseCode, ViewMessageRequestHeader } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const viewMessageByIdHandler = defineHandler<BrokerContext, typeof ViewMessageRequestHeader.fields>({
  code: RequestCode.VIEW_MESSAGE_BY_ID,
  header: ViewMessageRequestHeader,
  async handle(ctx, { header }) {
    const record = await ctx.store.selectOneMessageByOffset(header.offset);
    if (record === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${header.offset}`);
    return ok(undefined, record);
  },
});
