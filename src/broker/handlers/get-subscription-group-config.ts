// RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG (352) (AdminBrokerProcessor.getSubscriptionGroup): one
// group's settings; SUBSCRIPTION_GROUP_NOT_EXIST when this broker has none (and would not create it).
import { encodeSubscriptionGroupConfig, GetSubscriptionGroupConfigRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';

export const getSubscriptionGroupConfigHandler = defineHandler<BrokerContext, typeof GetSubscriptionGroupConfigRequestHeader.fields>({
  code: RequestCode.GET_SUBSCRIPTIONGROUP_CONFIG,
  header: GetSubscriptionGroupConfigRequestHeader,
  handle(ctx, { header }) {
    const config = ctx.groups.get(header.group);
    if (config === undefined) throw new BrokerError(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, 'No group in this broker');
    return ok(undefined, encodeSubscriptionGroupConfig(config));
  },
});
