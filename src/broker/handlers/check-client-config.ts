// RequestCode.CHECK_CLIENT_CONFIG (46) (ClientManageProcessor.checkClientConfig): a Java consumer
// asks, before it starts, whether this broker takes its subscription. Tag expressions always pass;
// an SQL92 one needs enablePropertyFilter (else SYSTEM_ERROR) and must compile (else
// SUBSCRIPTION_PARSE_FAILED with where it failed).
import { decodeCheckClientRequestBody, RequestCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { expressionFilter, isTagType } from '../filter/sql92-filter.js';

export const checkClientConfigHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.CHECK_CLIENT_CONFIG,
  handle(ctx, { command }) {
    const body = decodeCheckClientRequestBody(command.body);
    const subscription = body.subscriptionData;
    if (subscription === undefined || isTagType(subscription.expressionType)) return ok();
    expressionFilter(ctx.sqlFilters, ctx.config.enablePropertyFilter, {
      group: body.group,
      topic: subscription.topic,
      expressionType: subscription.expressionType,
      expression: subscription.subString,
      subVersion: subscription.subVersion,
    });
    return ok();
  },
});
