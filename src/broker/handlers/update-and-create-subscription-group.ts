// RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200) (AdminBrokerProcessor
// .updateAndCreateSubscriptionGroup): creates or replaces a group's settings from the
// SubscriptionGroupConfig body; the name must pass TopicValidator.validateGroup.
import { decodeSubscriptionGroupConfigBody, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { alterAttributes } from '../subscription/group-attributes.js';
import { groupNameProblem } from '../subscription/group-name.js';

export const updateAndCreateSubscriptionGroupHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
  handle(ctx, { command, connection }) {
    const config = decodeSubscriptionGroupConfigBody(command.body);
    const problem = groupNameProblem(config.groupName);
    if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
    ctx.logger.info({ group: config.groupName, caller: connection.remoteAddress }, 'updateAndCreateSubscriptionGroup');
    ctx.groups.update({ ...config, attributes: alterAttributes(ctx.groups.get(config.groupName)?.attributes ?? {}, config.attributes) });
    return ok();
  },
});
