/**
 * consumer-admin-requests.ts: the admin questions a broker relays to a consumer
 * (ClientRemotingProcessor.getConsumerRunningInfo and getConsumeStatus):
 * GET_CONSUMER_RUNNING_INFO (307), answered with the consumer's ConsumerRunningInfo, and
 * GET_CONSUMER_STATUS_FROM_CLIENT (221), answered with the offsets it holds of a topic.
 * A group this client does not consume gets SYSTEM_ERROR with Java's remark. CONSUME_MESSAGE_DIRECTLY
 * (309) is answered in consume-directly-request.ts.
 */
import {
  encodeConsumerRunningInfo,
  encodeGetConsumerStatusBody,
  GetConsumerRunningInfoRequestHeader,
  GetConsumerStatusRequestHeader,
  RequestCode,
  ResponseCode,
  ResponseCodeError,
} from '../../protocol/index.js';
import { defineHandler, ok, type Handler } from '../../remoting/index.js';
import type { ConsumerAdminView } from '../consumer/admin-view.js';
import type { DirectConsumer } from '../consumer/consume-directly.js';
import { consumeMessageDirectly } from './consume-directly-request.js';

export interface ConsumerAdminContext {
  readonly clientId: string;
  consumer(group: string): ({ adminView?(): Promise<ConsumerAdminView> } & DirectConsumer) | undefined;
}

async function viewOf(instance: ConsumerAdminContext, group: string): Promise<ConsumerAdminView> {
  const view = await instance.consumer(group)?.adminView?.();
  if (view === undefined) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, `The Consumer Group <${group}> not exist in this consumer`);
  return view;
}

export const getConsumerRunningInfo = defineHandler<ConsumerAdminContext, typeof GetConsumerRunningInfoRequestHeader.fields>({
  code: RequestCode.GET_CONSUMER_RUNNING_INFO,
  header: GetConsumerRunningInfoRequestHeader,
  async handle(instance, { header }) {
    const view = await viewOf(instance, header.consumerGroup);
    return ok(undefined, encodeConsumerRunningInfo(view.runningInfo));
  },
});

export const getConsumerStatusFromClient = defineHandler<ConsumerAdminContext, typeof GetConsumerStatusRequestHeader.fields>({
  code: RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT,
  header: GetConsumerStatusRequestHeader,
  async handle(instance, { header }) {
    const view = await viewOf(instance, header.group);
    const messageQueueTable = view.offsetTable.filter(({ queue }) => queue.topic === header.topic);
    return ok(undefined, encodeGetConsumerStatusBody({ messageQueueTable, consumerTable: [] }));
  },
});

export const consumerAdminHandlers: readonly Handler<ConsumerAdminContext>[] = [getConsumerRunningInfo, getConsumerStatusFromClient, consumeMessageDirectly];
