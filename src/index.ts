/**
 * The package root of rocketmq-ts: the client SDK with RocketMQ's names.
 *
 *   import { Producer, PushConsumer, LitePullConsumer, Message, ConsumeResult } from 'rocketmq-ts';
 */
export {
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  AllocateMessageQueueByConfig,
  AllocateMessageQueueConsistentHash,
  ClientErrorCode,
  ConsumeFromWhere,
  ConsumeResult,
  LitePullConsumer,
  Message,
  MessageModel,
  MessageQueue,
  MQClientError,
  Producer,
  PushConsumer,
  selectMessageQueueByHash,
  selectMessageQueueByRandom,
  type AllocateMessageQueueStrategy,
  type ConsumeConcurrentlyContext,
  type ConsumeOrderlyContext,
  type LitePullConsumerOptions,
  type MessageExt,
  type MessageInit,
  type MessageListenerConcurrently,
  type MessageListenerOrderly,
  type MessageQueueLike,
  type MessageQueueSelector,
  type ProducerOptions,
  type PushConsumerOptions,
  type SendOptions,
  type SendResult,
  type SendStatus,
  type SubscriptionExpression,
} from './client/index.js';
export { TransactionProducer, type LocalTransactionState, type TransactionChecker, type TransactionProducerOptions, type TransactionSendResult } from './client/index.js';
