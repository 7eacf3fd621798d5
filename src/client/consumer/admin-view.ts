/**
 * admin-view.ts: what a consumer tells an operator about itself (DefaultMQPushConsumerImpl
 * .consumerRunningInfo and MQClientInstance.getConsumerStatus): its settings and the PROP_* keys,
 * its subscriptions, one ProcessQueueInfo per queue it holds, and the offsets it keeps in memory.
 * Brokers relay GET_CONSUMER_RUNNING_INFO (307) and GET_CONSUMER_STATUS_FROM_CLIENT (221) here.
 *
 * Must not: change the consumer; everything is read as it is at the moment of the call. The
 * statusTable (per-topic consume rates) stays empty: this client keeps no such statistics.
 */
import {
  ConsumerRunningInfoProperty,
  type ConsumeType,
  type ConsumerRunningInfo,
  type ProcessQueueInfo,
  type QueueOffsetEntry,
  type SubscriptionData,
} from '../../protocol/index.js';
import type { MessageQueue } from '../message.js';
import type { ProcessQueue } from './process-queue.js';

const MiB = 1024 * 1024;
/** MQVersion.getVersionDesc(CLIENT_VERSION): the version our requests carry (core/transport.ts). */
const CLIENT_VERSION_DESC = 'V5_3_3';

export interface ConsumerAdminView {
  readonly runningInfo: ConsumerRunningInfo;
  /** The offset held in memory of every queue (-1 when none). */
  readonly offsetTable: readonly QueueOffsetEntry[];
}

export interface ConsumerAdminSource {
  /** The consumer's resolved options; strings, numbers and booleans become properties. */
  readonly settings: object;
  readonly consumeType: ConsumeType;
  readonly orderly: boolean;
  readonly threads: number;
  readonly namesrvAddr: string;
  readonly startedAt: number;
  readonly subscriptions: readonly SubscriptionData[];
  readonly queues: readonly { readonly queue: MessageQueue; readonly processQueue: ProcessQueue }[];
  readOffset(queue: MessageQueue): Promise<number>;
}

function processQueueInfo(processQueue: ProcessQueue, commitOffset: number): ProcessQueueInfo {
  const first = processQueue.firstOffset();
  return {
    commitOffset,
    cachedMsgMinOffset: first ?? 0,
    cachedMsgMaxOffset: first === undefined ? 0 : first + processQueue.maxSpan(),
    cachedMsgCount: processQueue.msgCount,
    cachedMsgSizeInMiB: Math.trunc(processQueue.msgSize / MiB),
    transactionMsgMinOffset: 0,
    transactionMsgMaxOffset: 0,
    transactionMsgCount: 0,
    locked: processQueue.locked,
    tryUnlockTimes: 0,
    lastLockTimestamp: processQueue.lastLockTimestamp,
    droped: processQueue.dropped,
    lastPullTimestamp: processQueue.lastPullTimestamp,
    lastConsumeTimestamp: processQueue.lastConsumeTimestamp,
  };
}

function properties(source: ConsumerAdminSource): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(source.settings)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') result[key] = String(value);
  }
  result[ConsumerRunningInfoProperty.CONSUME_ORDERLY] = String(source.orderly);
  result[ConsumerRunningInfoProperty.THREADPOOL_CORE_SIZE] = String(source.threads);
  result[ConsumerRunningInfoProperty.CONSUMER_START_TIMESTAMP] = String(source.startedAt);
  result[ConsumerRunningInfoProperty.NAMESERVER_ADDR] = source.namesrvAddr;
  result[ConsumerRunningInfoProperty.CONSUME_TYPE] = source.consumeType;
  result[ConsumerRunningInfoProperty.CLIENT_VERSION] = CLIENT_VERSION_DESC;
  return result;
}

export async function consumerAdminView(source: ConsumerAdminSource): Promise<ConsumerAdminView> {
  const mqTable: ConsumerRunningInfo['mqTable'][number][] = [];
  const offsetTable: QueueOffsetEntry[] = [];
  for (const { queue, processQueue } of source.queues) {
    if (processQueue.dropped) continue;
    const offset = await source.readOffset(queue);
    const key = { topic: queue.topic, brokerName: queue.brokerName, queueId: queue.queueId };
    mqTable.push({ queue: key, info: processQueueInfo(processQueue, offset) });
    offsetTable.push({ queue: key, offset });
  }
  const runningInfo: ConsumerRunningInfo = { properties: properties(source), subscriptionSet: source.subscriptions, mqTable, statusTable: {}, userConsumerInfo: {} };
  return { runningInfo, offsetTable };
}
