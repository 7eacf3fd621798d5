// RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST (225) (AdminBrokerProcessor
// .updateAndCreateSubscriptionGroupList): several groups at once; nothing is changed when any
// name is invalid.
import { decodeSubscriptionGroupList, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { alterAttributes } from '../subscription/group-attributes.js';
import { groupNameProblem } from '../subscription/group-name.js';

export const updateAndCreateSubscriptionGroupListHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST,
  handle(ctx, { command, connection }) {
    const configs = decodeSubscriptionGroupList(command.body);
    for (const config of configs) {
      const problem = groupNameProblem(config.groupName);
      if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
    }
    ctx.logger.info({ groups: configs.map((config) => config.groupName).join(';'), caller: connection.remoteAddress }, 'updateAndCreateSubscriptionGroupList');
    for (const config of configs) ctx.groups.update({ ...config, attributes: alterAttributes(ctx.groups.get(config.groupName)?.attributes ?? {}, config.attributes) });
    return ok();
  },
});
