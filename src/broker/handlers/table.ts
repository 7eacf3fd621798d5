/**
 * table.ts: every request code the broker answers, one handler each. Codes not listed here get
 * REQUEST_CODE_NOT_SUPPORTED from the dispatcher.
 */
import type { Handler } from '../../remoting/index.js';
import type { BrokerContext } from '../context.js';
import { deleteExpiredCommitLogHandler } from './delete-expired-commitlog.js';
import { getBrokerRuntimeInfoHandler } from './get-broker-runtime-info.js';
import { getBrokerConfigHandler } from './get-broker-config.js';
import { updateBrokerConfigHandler } from './update-broker-config.js';
import { viewBrokerStatsDataHandler } from './view-broker-stats-data.js';
import { queryTopicConsumeByWhoHandler } from './query-topic-consume-by-who.js';
import { cleanExpiredConsumeQueueHandler } from './clean-expired-consumequeue.js';
import { deleteTopicInBrokerHandler } from './delete-topic-in-broker.js';
import { getAllTopicConfigHandler } from './get-all-topic-config.js';
import { getConsumerListByGroupHandler } from './get-consumer-list-by-group.js';
import { getEarliestMsgStoretimeHandler } from './get-earliest-msg-storetime.js';
import { getMaxOffsetHandler } from './get-max-offset.js';
import { getMinOffsetHandler } from './get-min-offset.js';
import { heartBeatHandler } from './heart-beat.js';
import { litePullMessageHandler } from './lite-pull-message.js';
import { pullMessageHandler } from './pull-message.js';
import { queryConsumerOffsetHandler } from './query-consumer-offset.js';
import { queryMessageHandler } from './query-message.js';
import { searchOffsetByTimestampHandler } from './search-offset-by-timestamp.js';
import { sendBatchMessageHandler } from './send-batch-message.js';
import { sendMessageV2Handler } from './send-message-v2.js';
import { sendMessageHandler } from './send-message.js';
import { unregisterClientHandler } from './unregister-client.js';
import { updateAndCreateTopicHandler } from './update-and-create-topic.js';
import { updateConsumerOffsetHandler } from './update-consumer-offset.js';
import { viewMessageByIdHandler } from './view-message-by-id.js';
import { queryConsumeQueueHandler } from './query-consume-queue.js';
import { consumerSendMsgBackHandler } from './consumer-send-msg-back.js';
import { getAllDelayOffsetHandler } from './get-all-delay-offset.js';
import { lockBatchMqHandler } from './lock-batch-mq.js';
import { resendDeadLetterMessageHandler } from './resend-dead-letter-message.js';
import { unlockBatchMqHandler } from './unlock-batch-mq.js';
import { recallMessageHandler } from './recall-message.js';
import { getTimerCheckPointHandler } from './get-timer-check-point.js';
import { getTimerMetricsHandler } from './get-timer-metrics.js';
import { endTransactionHandler } from './end-transaction.js';
import { checkClientConfigHandler } from './check-client-config.js';
import { getTopicStatsInfoHandler } from './get-topic-stats-info.js';
import { updateAndCreateTopicListHandler } from './update-and-create-topic-list.js';
import { cleanUnusedTopicHandler } from './clean-unused-topic.js';

import { getConsumeStatsHandler } from './get-consume-stats.js';
import { getBrokerConsumeStatsHandler } from './get-broker-consume-stats.js';
import { getConsumerConnectionListHandler } from './get-consumer-connection-list.js';
import { getProducerConnectionListHandler } from './get-producer-connection-list.js';
import { updateAndCreateSubscriptionGroupHandler } from './update-and-create-subscription-group.js';
import { updateAndCreateSubscriptionGroupListHandler } from './update-and-create-subscription-group-list.js';
import { getAllSubscriptionGroupConfigHandler } from './get-all-subscription-group-config.js';
import { getSubscriptionGroupConfigHandler } from './get-subscription-group-config.js';
import { deleteSubscriptionGroupHandler } from './delete-subscription-group.js';
import { invokeBrokerToResetOffsetHandler } from './invoke-broker-to-reset-offset.js';
import { invokeBrokerToGetConsumerStatusHandler } from './invoke-broker-to-get-consumer-status.js';
import { cloneGroupOffsetHandler } from './clone-group-offset.js';
import { getConsumerRunningInfoHandler } from './get-consumer-running-info.js';
import { consumeMessageDirectlyHandler } from './consume-message-directly.js';

export const brokerHandlers: readonly Handler<BrokerContext>[] = [
  sendMessageHandler,
  sendMessageV2Handler,
  sendBatchMessageHandler,
  pullMessageHandler,
  litePullMessageHandler,
  queryConsumerOffsetHandler,
  updateConsumerOffsetHandler,
  updateAndCreateTopicHandler,
  getAllTopicConfigHandler,
  searchOffsetByTimestampHandler,
  getMaxOffsetHandler,
  getMinOffsetHandler,
  getEarliestMsgStoretimeHandler,
  viewMessageByIdHandler,
  queryConsumeQueueHandler,
  heartBeatHandler,
  unregisterClientHandler,
  getConsumerListByGroupHandler,
  deleteTopicInBrokerHandler,
  queryMessageHandler,
  deleteExpiredCommitLogHandler,
  getBrokerRuntimeInfoHandler,
  getBrokerConfigHandler,
  updateBrokerConfigHandler,
  viewBrokerStatsDataHandler,
  queryTopicConsumeByWhoHandler,
  cleanExpiredConsumeQueueHandler,
  consumerSendMsgBackHandler,
  lockBatchMqHandler,
  unlockBatchMqHandler,
  getAllDelayOffsetHandler,
  resendDeadLetterMessageHandler,
  recallMessageHandler,
  getTimerCheckPointHandler,
  getTimerMetricsHandler,
  endTransactionHandler,
  checkClientConfigHandler,
  getTopicStatsInfoHandler,
  updateAndCreateTopicListHandler,
  cleanUnusedTopicHandler,
  getConsumeStatsHandler,
  getBrokerConsumeStatsHandler,
  getConsumerConnectionListHandler,
  getProducerConnectionListHandler,
  updateAndCreateSubscriptionGroupHandler,
  updateAndCreateSubscriptionGroupListHandler,
  getAllSubscriptionGroupConfigHandler,
  getSubscriptionGroupConfigHandler,
  deleteSubscriptionGroupHandler,
  invokeBrokerToResetOffsetHandler,
  invokeBrokerToGetConsumerStatusHandler,
  cloneGroupOffsetHandler,
  getConsumerRunningInfoHandler,
  consumeMessageDirectlyHandler,
];
