// RequestCode.CONSUME_MESSAGE_DIRECTLY (309) (AdminBrokerProcessor.consumeMessageDirectly): the
// stored record named by msgId (an offset message id) is relayed, as the request's body, to the
// group's client clientId, with brokerName, topicSysFlag (topic known here) and groupSysFlag (group
// known here; our groups carry no flag, Java's default 0) added to the header; the client's answer
// (a ConsumeMessageDirectlyResult) is returned as it is. A client not online or older than
// V3_1_8_SNAPSHOT gets Java's remarks (callConsumer). Must not: create a topic or group.
import { decodeOffsetMessageId } from '../../message/index.js';
import { ConsumeMessageDirectlyResultRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { callConsumer } from '../client/broker-to-client.js';

function commitLogOffsetOf(msgId: string | undefined): number {
  if (msgId === undefined || msgId === '') throw new BrokerError(ResponseCode.SYSTEM_ERROR, 'consume message directly: no msgId');
  try {
    return decodeOffsetMessageId(msgId).commitLogOffset;
  } catch (error) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `consume message directly: ${(error as Error).message}`);
  }
}

export const consumeMessageDirectlyHandler = defineHandler<BrokerContext, typeof ConsumeMessageDirectlyResultRequestHeader.fields>({
  code: RequestCode.CONSUME_MESSAGE_DIRECTLY,
  header: ConsumeMessageDirectlyResultRequestHeader,
  async handle(ctx, { header, command }) {
    const extFields: Record<string, string> = { ...command.extFields, brokerName: ctx.config.brokerName };
    const topicConfig = header.topic === undefined || header.topic === '' ? undefined : ctx.topics.get(header.topic);
    if (topicConfig !== undefined) extFields['topicSysFlag'] = String(topicConfig.topicSysFlag);
    if (header.consumerGroup !== '' && ctx.groups.get(header.consumerGroup) !== undefined) extFields['groupSysFlag'] = '0';
    const offset = commitLogOffsetOf(header.msgId);
    const record = await ctx.store.selectOneMessageByOffset(offset);
    if (record === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `can not find message by the offset, ${offset}`);
    const response = await callConsumer(ctx, { ...command, extFields, body: record }, header.consumerGroup, header.clientId ?? '');
    return { code: response.code, ...(response.remark === undefined ? {} : { remark: response.remark }), extFields: response.extFields, body: response.body };
  },
});
