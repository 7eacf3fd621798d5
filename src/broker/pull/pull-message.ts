/**
 * pull-message.ts: serving PULL_MESSAGE (PullMessageProcessor.java): checks, the subscription's
 * filter, a read from the store, the store status as a pull code, long polling of pulls that find
 * nothing, and the offset the consumer reports with its pull. nextBeginOffset, minOffset and
 * maxOffset are in every answer, whatever its code: clients read them unconditionally.
 */
import {
  isReadable,
  PullMessageResponseHeader,
  PullSysFlag,
  ResponseCode,
  type PullMessageRequestHeader,
  type SubscriptionGroupConfig,
  type TopicConfig,
} from '../../protocol/index.js';
import type { Connection, HandlerResult } from '../../remoting/index.js';
import { joinRecords, type GetMessageResult, type GetMessageStatus, type MessageFilter } from '../../store/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import { expressionFilter, isTagType } from '../filter/sql92-filter.js';
import { parseTagExpression, tagFilter } from '../filter/tag-filter.js';

function checkGroupAndTopic(ctx: BrokerContext, header: PullMessageRequestHeader, consumer: string): { group: SubscriptionGroupConfig; topic: TopicConfig } {
  if (!isReadable(ctx.config.brokerPermission)) {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the broker[${ctx.config.brokerIP1}] pulling message is forbidden`);
  }
  const group = ctx.groups.findOrCreate(header.consumerGroup);
  if (group === undefined) {
    throw new BrokerError(ResponseCode.SUBSCRIPTION_GROUP_NOT_EXIST, `subscription group [${header.consumerGroup}] does not exist`);
  }
  if (!group.consumeEnable) throw new BrokerError(ResponseCode.NO_PERMISSION, `subscription group no permission, ${header.consumerGroup}`);
  const topic = ctx.topics.get(header.topic);
  if (topic === undefined) throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `topic[${header.topic}] not exist, apply first please!`);
  if (!isReadable(topic.perm)) throw new BrokerError(ResponseCode.NO_PERMISSION, `the topic[${header.topic}] pulling message is forbidden`);
  if (header.queueId < 0 || header.queueId >= topic.readQueueNums) {
    // INVALID_PARAMETER since RocketMQ 5.3 (SYSTEM_ERROR before): clients treat both as a failed pull.
    throw new BrokerError(
      ResponseCode.INVALID_PARAMETER,
      `queueId[${header.queueId}] is illegal, topic:[${header.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}] consumer:[${consumer}]`,
    );
  }
  return { group, topic };
}

/**
 * The filter of this pull: from the request when it carries the subscription, else from the
 * heartbeat. Tag expressions are matched on the ConsumeQueue; SQL92 ones on each record's
 * properties (sql92-filter.ts).
 */
function filterOf(ctx: BrokerContext, header: PullMessageRequestHeader, group: SubscriptionGroupConfig): MessageFilter {
  if ((header.sysFlag & PullSysFlag.SUBSCRIPTION) !== 0) {
    if (isTagType(header.expressionType)) return tagFilter(parseTagExpression(header.subscription));
    return expressionFilter(ctx.sqlFilters, ctx.config.enablePropertyFilter, {
      group: header.consumerGroup,
      topic: header.topic,
      expressionType: header.expressionType ?? '',
      expression: header.subscription ?? '',
      subVersion: header.subVersion,
    });
  }
  const info = ctx.consumers.get(header.consumerGroup);
  if (info === undefined) throw new BrokerError(ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's group info not exist");
  if (!group.consumeBroadcastEnable && info.messageModel === 'BROADCASTING') {
    throw new BrokerError(ResponseCode.NO_PERMISSION, `the consumer group[${header.consumerGroup}] can not consume by broadcast way`);
  }
  const subscription = info.subscriptions.get(header.topic);
  if (subscription === undefined) throw new BrokerError(ResponseCode.SUBSCRIPTION_NOT_EXIST, "the consumer's subscription not exist");
  if (subscription.subVersion < header.subVersion) throw new BrokerError(ResponseCode.SUBSCRIPTION_NOT_LATEST, "the consumer's subscription not latest");
  if (isTagType(subscription.expressionType)) return tagFilter({ subString: subscription.subString, codeSet: subscription.codeSet });
  return expressionFilter(ctx.sqlFilters, ctx.config.enablePropertyFilter, {
    group: header.consumerGroup,
    topic: header.topic,
    expressionType: subscription.expressionType,
    expression: subscription.subString,
    subVersion: subscription.subVersion,
  });
}

/** The pull code Java answers for each store status. */
function pullCode(status: GetMessageStatus, requestedOffset: number): number {
  switch (status) {
    case 'FOUND':
      return ResponseCode.SUCCESS;
    case 'MESSAGE_WAS_REMOVING':
    case 'NO_MATCHED_MESSAGE':
      return ResponseCode.PULL_RETRY_IMMEDIATELY;
    case 'NO_MESSAGE_IN_QUEUE':
      return requestedOffset !== 0 ? ResponseCode.PULL_OFFSET_MOVED : ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_FOUND_NULL':
    case 'OFFSET_OVERFLOW_ONE':
      return ResponseCode.PULL_NOT_FOUND;
    case 'OFFSET_OVERFLOW_BADLY':
    case 'OFFSET_TOO_SMALL':
      return ResponseCode.PULL_OFFSET_MOVED;
  }
}

function toResponse(result: GetMessageResult, header: PullMessageRequestHeader, group: SubscriptionGroupConfig, topic: TopicConfig): HandlerResult {
  const code = pullCode(result.status, header.queueOffset);
  const extFields = PullMessageResponseHeader.encode({
    suggestWhichBrokerId: group.brokerId,
    nextBeginOffset: result.nextBeginOffset,
    minOffset: result.minOffset,
    maxOffset: result.maxOffset,
    topicSysFlag: topic.topicSysFlag,
    groupSysFlag: group.groupSysFlag,
  });
  if (code !== ResponseCode.SUCCESS) return { code, remark: result.status, extFields };
  return { code, extFields, body: joinRecords(result.records, result.bytes) };
}

async function readPull(ctx: BrokerContext, header: PullMessageRequestHeader, consumer: string, filter: MessageFilter): Promise<HandlerResult> {
  const { group, topic } = checkGroupAndTopic(ctx, header, consumer);
  const getStartedMs = performance.now();
  const result = await ctx.store.getMessage({
    topic: header.topic,
    queueId: header.queueId,
    offset: header.queueOffset,
    maxMsgNums: header.maxMsgNums,
    ...(header.maxMsgBytes !== undefined ? { maxBytes: header.maxMsgBytes } : {}),
    filter,
  });
  ctx.stats.onGet(header.consumerGroup, header.topic, result, performance.now() - getStartedMs);
  return toResponse(result, header, group, topic);
}

/**
 * Serves one pull. A pull with the SUSPEND flag that finds nothing new is held (long polling),
 * then read once more and answered whatever it finds.
 */
export async function pullMessage(ctx: BrokerContext, header: PullMessageRequestHeader, connection: Connection): Promise<HandlerResult> {
  const { group } = checkGroupAndTopic(ctx, header, connection.remoteAddress);
  const filter = filterOf(ctx, header, group);
  if ((header.sysFlag & PullSysFlag.COMMIT_OFFSET) !== 0) {
    ctx.offsets.commit(header.consumerGroup, header.topic, header.queueId, header.commitOffset);
  }
  const response = await readPull(ctx, header, connection.remoteAddress, filter);
  if (response.code !== ResponseCode.PULL_NOT_FOUND || (header.sysFlag & PullSysFlag.SUSPEND) === 0) return response;
  const holdMs = ctx.config.longPollingEnable ? header.suspendTimeoutMillis : ctx.config.shortPollingTimeMills;
  await ctx.pullHold.hold(header.topic, header.queueId, header.queueOffset, filter, holdMs);
  return readPull(ctx, header, connection.remoteAddress, filter);
}
