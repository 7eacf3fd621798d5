/**
 * commands/index.ts: every mqadmin sub command, in the order `mqadmin` lists them. One file per
 * command, named after it (kebab-case); the name each declares is RocketMQ's.
 */
import type { AdminCommand } from '../command.js';
import { clusterListCommand } from './cluster-list.js';
import { brokerStatusCommand } from './broker-status.js';
import { getBrokerConfigCommand } from './get-broker-config.js';
import { updateBrokerConfigCommand } from './update-broker-config.js';
import { wipeWritePermCommand } from './wipe-write-perm.js';
import { addWritePermCommand } from './add-write-perm.js';
import { statsAllCommand } from './stats-all.js';
import { clusterRTCommand } from './cluster-rt.js';
import { cleanExpiredCQCommand } from './clean-expired-cq.js';
import { deleteExpiredCommitLogCommand } from './delete-expired-commit-log.js';
import { topicListCommand } from './topic-list.js';
import { topicRouteCommand } from './topic-route.js';
import { consumerProgressCommand } from './consumer-progress.js';
import { resetOffsetByTimeCommand } from './reset-offset-by-time.js';
import { updateSubGroupCommand } from './update-sub-group.js';
import { consumerConnectionCommand } from './consumer-connection.js';
import { producerConnectionCommand } from './producer-connection.js';
import { deleteSubGroupCommand } from './delete-sub-group.js';
import { skipAccumulatedMessageCommand } from './skip-accumulated-message.js';
import { cloneGroupOffsetCommand } from './clone-group-offset.js';
import { brokerConsumeStatsCommand } from './broker-consume-stats.js';
import { getConsumerConfigCommand } from './get-consumer-config.js';
import { updateSubGroupListCommand } from './update-sub-group-list.js';
import { consumerStatusCommand } from './consumer-status.js';
import { getConsumerStatusCommand } from './get-consumer-status.js';
import { updateTopicCommand } from './update-topic.js';
import { deleteTopicCommand } from './delete-topic.js';
import { updateTopicPermCommand } from './update-topic-perm.js';
import { topicStatusCommand } from './topic-status.js';
import { topicClusterListCommand } from './topic-cluster-list.js';
import { updateOrderConfCommand } from './update-order-conf.js';
import { getNamesrvConfigCommand } from './get-namesrv-config.js';
import { updateNamesrvConfigCommand } from './update-namesrv-config.js';
import { updateKvConfigCommand } from './update-kv-config.js';
import { deleteKvConfigCommand } from './delete-kv-config.js';
import { updateTopicListCommand } from './update-topic-list.js';
import { allocateMqCommand } from './allocate-mq.js';
import { cleanUnusedTopicCommand } from './clean-unused-topic.js';
import { queryMsgByIdCommand } from './query-msg-by-id.js';
import { queryMsgByKeyCommand } from './query-msg-by-key.js';
import { queryMsgByUniqueKeyCommand } from './query-msg-by-unique-key.js';
import { sendMessageCommand } from './send-message.js';
import { printMsgCommand } from './print-msg.js';
import { queryMsgByOffsetCommand } from './query-msg-by-offset.js';
import { printMsgByQueueCommand } from './print-msg-by-queue.js';
import { consumeMessageCommand } from './consume-message.js';
import { sendMsgStatusCommand } from './send-msg-status.js';
import { checkMsgSendRTCommand } from './check-msg-send-rt.js';
import { queryCqCommand } from './query-cq.js';

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  topicListCommand,
  topicRouteCommand,
  updateSubGroupCommand,
  consumerProgressCommand,
  resetOffsetByTimeCommand,
  consumerConnectionCommand,
  producerConnectionCommand,
  deleteSubGroupCommand,
  skipAccumulatedMessageCommand,
  cloneGroupOffsetCommand,
  brokerConsumeStatsCommand,
  getConsumerConfigCommand,
  updateSubGroupListCommand,
  consumerStatusCommand,
  getConsumerStatusCommand,
  clusterListCommand,
  brokerStatusCommand,
  getBrokerConfigCommand,
  updateBrokerConfigCommand,
  wipeWritePermCommand,
  addWritePermCommand,
  statsAllCommand,
  clusterRTCommand,
  cleanExpiredCQCommand,
  deleteExpiredCommitLogCommand,
  updateTopicCommand,
  deleteTopicCommand,
  updateTopicPermCommand,
  topicStatusCommand,
  topicClusterListCommand,
  updateOrderConfCommand,
  getNamesrvConfigCommand,
  updateNamesrvConfigCommand,
  updateKvConfigCommand,
  deleteKvConfigCommand,
  updateTopicListCommand,
  allocateMqCommand,
  cleanUnusedTopicCommand,
  queryMsgByIdCommand,
  queryMsgByKeyCommand,
  queryMsgByUniqueKeyCommand,
  sendMessageCommand,
  printMsgCommand,
  queryMsgByOffsetCommand,
  printMsgByQueueCommand,
  consumeMessageCommand,
  sendMsgStatusCommand,
  checkMsgSendRTCommand,
  queryCqCommand,
];
