// RequestCode.UPDATE_AND_CREATE_TOPIC (17) (AdminBrokerProcessor.updateAndCreateTopic): create or
// replace a topic, then register with the name servers so its route appears at once.
import { CreateTopicRequestHeader, RequestCode, ResponseCode } from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { AttributeError, alterAttributes } from '../topic/topic-attributes.js';
import { newTopicConfig } from '../topic/topic-config-manager.js';
import { validateTopic } from '../topic/topic-validator.js';

const QUEUE_NUMS_MAX = 65535;

export const updateAndCreateTopicHandler = defineHandler<BrokerContext, typeof CreateTopicRequestHeader.fields>({
  code: RequestCode.UPDATE_AND_CREATE_TOPIC,
  header: CreateTopicRequestHeader,
  handle(ctx, { header, connection }) {
    const problem = validateTopic(header.topic);
    if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
    if (ctx.topics.isSystemTopic(header.topic)) {
      throw new BrokerError(ResponseCode.INVALID_PARAMETER, `The topic[${header.topic}] is conflict with system topic.`);
    }
    for (const [name, value] of [['readQueueNums', header.readQueueNums], ['writeQueueNums', header.writeQueueNums]] as const) {
      if (value < 0 || value > QUEUE_NUMS_MAX) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `${name} ${value} is outside 0..${QUEUE_NUMS_MAX}`);
    }
    if (header.topicFilterType !== 'SINGLE_TAG' && header.topicFilterType !== 'MULTI_TAG') {
      throw new BrokerError(ResponseCode.INVALID_PARAMETER, `topicFilterType ${header.topicFilterType} is not SINGLE_TAG or MULTI_TAG`);
    }
    let attributes: Record<string, string>;
    try {
      attributes = alterAttributes(ctx.topics.get(header.topic)?.attributes ?? {}, header.attributes);
    } catch (error) {
      // Java's AttributeUtil throws a RuntimeException that updateAndCreateTopic answers as SYSTEM_ERROR.
      if (error instanceof AttributeError) throw new BrokerError(ResponseCode.SYSTEM_ERROR, error.message);
      throw error;
    }
    const config = newTopicConfig(header.topic, {
      readQueueNums: header.readQueueNums,
      writeQueueNums: header.writeQueueNums,
      perm: header.perm,
      topicFilterType: header.topicFilterType,
      topicSysFlag: header.topicSysFlag ?? 0,
      order: header.order,
      attributes,
    });
    ctx.logger.info({ topic: header.topic, caller: connection.remoteAddress }, 'update or create topic');
    if (JSON.stringify(config) !== JSON.stringify(ctx.topics.get(header.topic))) ctx.topics.update(config);
    return ok();
  },
});
