// RequestCode.DELETE_SUBSCRIPTIONGROUP (207) (AdminBrokerProcessor.deleteSubscriptionGroup): forgets
// a group's settings and, with cleanOffset, its committed offsets and statistics. Deleting a
// group that does not exist succeeds, as in Java.
import { DeleteSubscriptionGroupRequestHeader, RequestCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';

export const deleteSubscriptionGroupHandler = defineHandler<BrokerContext, typeof DeleteSubscriptionGroupRequestHeader.fields>({
  code: RequestCode.DELETE_SUBSCRIPTIONGROUP,
  header: DeleteSubscriptionGroupRequestHeader,
  handle(ctx, { header, connection }) {
    ctx.logger.info({ group: header.groupName, caller: connection.remoteAddress, cleanOffset: header.cleanOffset ?? false }, 'deleteSubscriptionGroup');
    ctx.groups.delete(header.groupName);
    if (header.cleanOffset === true) ctx.offsets.removeGroup(header.groupName);
    ctx.stats.onGroupDeleted(header.groupName);
    return ok();
  },
});
