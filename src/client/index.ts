/** client/: the TypeScript client SDK (Producer, PushConsumer, LitePullConsumer) over RocketMQ's remoting protocol. */
export * from './errors.js';
export * from './message.js';
export { decompressBody } from './compression.js';
export * from './options.js';
export * from './namespace.js';
export * from './rebalance/allocate.js';
export { Producer, type SendOptions } from './producer/producer.js';
export type { SendResult } from './producer/send-path.js';
export type { SendStatus } from './core/client-api.js';
export { selectMessageQueueByHash, selectMessageQueueByRandom, type MessageQueueSelector } from './producer/queue-selector.js';
export { PushConsumer } from './consumer/push-consumer.js';
export { LitePullConsumer } from './consumer/lite-pull-consumer.js';
export { PullConsumer, PULL_NUMS_MAX, type PullConsumerOptions, type PullConsumerResult, type PulledMessage } from './consumer/pull-consumer.js';
export { ConsumeResult, type ConsumeConcurrentlyContext, type MessageListenerConcurrently } from './consumer/consume-concurrently.js';
export type { ConsumeOrderlyContext, MessageListenerOrderly } from './consumer/consume-orderly.js';
export type { SubscriptionExpression, ExpressionType } from './consumer/subscription.js';
export { CLIENT_VERSION, CLIENT_LANGUAGE, ClientTransport, type ClientTransportOptions } from './core/transport.js';
export { TransactionProducer, type LocalTransactionExecutor, type LocalTransactionState, type TransactionChecker, type TransactionProducerOptions, type TransactionSendResult } from './producer/transaction-producer.js';
