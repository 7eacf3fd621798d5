/**
 * consume-directly-request.ts: the client's side of CONSUME_MESSAGE_DIRECTLY (309)
 * (ClientRemotingProcessor.consumeMessageDirectly): the group's push consumer consumes the relayed
 * message with its listener and the ConsumeMessageDirectlyResult is the answer. A group this
 * client has no push consumer of gets SYSTEM_ERROR with Java's remark; a body that is not a
 * stored message gets SYSTEM_ERROR saying so.
 */
import { ConsumeMessageDirectlyResultRequestHeader, encodeConsumeMessageDirectlyResult, RequestCode, ResponseCode, ResponseCodeError } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import { DirectConsumeError, type DirectConsumer } from '../consumer/consume-directly.js';

/** What the handler needs of the client instance (a part of ConsumerAdminContext). */
export interface DirectConsumeContext {
  consumer(group: string): DirectConsumer | undefined;
}

export const consumeMessageDirectly = defineHandler<DirectConsumeContext, typeof ConsumeMessageDirectlyResultRequestHeader.fields>({
  code: RequestCode.CONSUME_MESSAGE_DIRECTLY,
  header: ConsumeMessageDirectlyResultRequestHeader,
  async handle(instance, { header, command }) {
    const consume = instance.consumer(header.consumerGroup)?.consumeMessageDirectly;
    if (consume === undefined) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, `The Consumer Group <${header.consumerGroup}> not exist in this consumer`);
    try {
      return ok(undefined, encodeConsumeMessageDirectlyResult(await consume(command.body, header.brokerName ?? '')));
    } catch (error) {
      if (error instanceof DirectConsumeError) throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, error.message);
      throw error;
    }
  },
});
