// RequestCode.HEART_BEAT (34) (ClientManageProcessor.heartBeat): registers the client's producer
// and consumer groups on its connection, creates each consumer group's retry topic, and tells a
// group's consumers when its membership changed.
import { decodeHeartbeatData, PermName, RequestCode } from '../../protocol/index.js';
import { retryTopic } from '../../message/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { ClientChannel } from '../client/client-channel.js';
import type { BrokerContext } from '../context.js';

/** TopicSysFlag.buildSysFlag(false, true): a unit-mode consumer's retry topic. */
const TOPIC_SYS_FLAG_UNIT_SUB = 2;

export const heartBeatHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.HEART_BEAT,
  handle(ctx, { command, connection }) {
    const data = decodeHeartbeatData(command.body);
    const now = ctx.clock.now();
    const channel = (): ClientChannel => ({
      connection,
      clientId: data.clientID,
      language: command.language,
      version: command.version,
      lastUpdateTimestamp: now,
    });
    for (const consumer of data.consumerDataSet) {
      const group = ctx.groups.findOrCreate(consumer.groupName);
      if (group === undefined) continue;
      ctx.topics.createInSendMessageBack(
        retryTopic(consumer.groupName),
        group.retryQueueNums,
        PermName.READ | PermName.WRITE,
        consumer.unitMode ? TOPIC_SYS_FLAG_UNIT_SUB : 0,
      );
      ctx.consumers.register(
        {
          group: consumer.groupName,
          channel: channel(),
          consumeType: consumer.consumeType,
          messageModel: consumer.messageModel,
          consumeFromWhere: consumer.consumeFromWhere,
          subscriptions: consumer.subscriptionDataSet,
        },
        group.notifyConsumerIdsChangedEnable,
      );
    }
    for (const producer of data.producerDataSet) ctx.producers.register(producer.groupName, channel());
    return ok();
  },
});
