// RequestCode.UPDATE_AND_CREATE_TOPIC_LIST (18) (AdminBrokerProcessor.updateAndCreateTopicList):
// create or replace every topic of a CreateTopicListRequestBody, then register with the name
// servers. The list is checked whole first (name, system topic, queue counts, filter type,
// attributes): one bad entry refuses the request and changes nothing. Unlike Java, which answers
// at the first unchanged topic without applying the rest, unchanged topics are just skipped.
import { RequestCode, ResponseCode, decodeCreateTopicList, BodyError, type TopicConfig } from '../../protocol/index.js';
import { defineBodyHandler, ok } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { AttributeError, alterAttributes } from '../topic/topic-attributes.js';
import { newTopicConfig } from '../topic/topic-config-manager.js';
import { validateTopic } from '../topic/topic-validator.js';

const QUEUE_NUMS_MAX = 65535;
/** Most topics in one request. */
const TOPIC_LIST_MAX = 10_000;

/** A TopicConfig's attributes map as a modification ("+k=v" sets, "-k" removes; a bare key sets). */
function modificationOf(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes)
    .map(([key, value]) => (key.startsWith('-') ? key : key.startsWith('+') ? `${key}=${value}` : `+${key}=${value}`))
    .join(',');
}

function checked(ctx: BrokerContext, requested: TopicConfig): TopicConfig {
  const topic = requested.topicName;
  const problem = validateTopic(topic);
  if (problem !== undefined) throw new BrokerError(ResponseCode.INVALID_PARAMETER, problem);
  if (ctx.topics.isSystemTopic(topic)) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `The topic[${topic}] is conflict with system topic.`);
  for (const [name, value] of [['readQueueNums', requested.readQueueNums], ['writeQueueNums', requested.writeQueueNums]] as const) {
    if (value < 0 || value > QUEUE_NUMS_MAX) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `${topic}: ${name} ${value} is outside 0..${QUEUE_NUMS_MAX}`);
  }
  let attributes: Record<string, string>;
  try {
    attributes = alterAttributes(ctx.topics.get(topic)?.attributes ?? {}, modificationOf(requested.attributes));
  } catch (error) {
    if (error instanceof AttributeError) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `${topic}: ${error.message}`);
    throw error;
  }
  return newTopicConfig(topic, { ...requested, attributes });
}

export const updateAndCreateTopicListHandler = defineBodyHandler<BrokerContext>({
  code: RequestCode.UPDATE_AND_CREATE_TOPIC_LIST,
  handle(ctx, { command, connection }) {
    let requested: TopicConfig[];
    try {
      requested = decodeCreateTopicList(command.body);
    } catch (error) {
      if (error instanceof BodyError) throw new BrokerError(ResponseCode.SYSTEM_ERROR, error.message);
      throw error;
    }
    if (requested.length > TOPIC_LIST_MAX) throw new BrokerError(ResponseCode.INVALID_PARAMETER, `more than ${TOPIC_LIST_MAX} topics in one request`);
    const configs = requested.map((config) => checked(ctx, config));
    ctx.logger.info({ topics: configs.map((config) => config.topicName), caller: connection.remoteAddress }, 'update or create topic list');
    for (const config of configs) {
      if (JSON.stringify(config) !== JSON.stringify(ctx.topics.get(config.topicName))) ctx.topics.update(config);
    }
    return ok();
  },
});
