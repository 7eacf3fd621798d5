// RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201) (AdminBrokerProcessor.getAllSubscriptionGroup):
// the whole subscription group table as subscriptionGroup.json holds it, and its size in
// totalGroupNum (the paging fields are accepted and ignored, as Java without enableSplitMetadata).
import { GetAllSubscriptionGroupRequestHeader, GetAllSubscriptionGroupResponseHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const getAllSubscriptionGroupConfigHandler = defineHandler<BrokerContext, typeof GetAllSubscriptionGroupRequestHeader.fields>({
  code: RequestCode.GET_ALL_SUBSCRIPTIONGROUP_CONFIG,
  header: GetAllSubscriptionGroupRequestHeader,
  handle(ctx) {
    const extFields = GetAllSubscriptionGroupResponseHeader.encode({ totalGroupNum: ctx.groups.all().size });
    return ok(extFields, Buffer.from(ctx.groups.encode()));
  },
});
