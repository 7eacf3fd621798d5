/**
 * ops/consumer-running-info.ts: ConsumerRunningInfo as RocketMQ's tools print it (formatString)
 * and judge it (analyzeSubscription, analyzeProcessQueue), for consumerStatus.
 */
import type { ConsumerRunningInfo, ProcessQueueInfo, QueueKey, SubscriptionData } from '../../protocol/index.js';
import { javaFormat } from '../java-format.js';
import { compareQueues } from './consumer.js';

/** UtilAll.timeMillisToHumanString: yyyyMMddHHmmssSSS in local time. */
export function timeMillisToHumanString(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
  return `${pad(date.getFullYear(), 4)}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}${pad(date.getMilliseconds(), 3)}`;
}

/** MessageQueue.toString. */
export function queueToString(queue: QueueKey): string {
  return `MessageQueue [topic=${queue.topic}, brokerName=${queue.brokerName}, queueId=${queue.queueId}]`;
}

function processQueueToString(pq: ProcessQueueInfo): string {
  return (
    `ProcessQueueInfo [commitOffset=${pq.commitOffset}, cachedMsgMinOffset=${pq.cachedMsgMinOffset}, cachedMsgMaxOffset=${pq.cachedMsgMaxOffset}, ` +
    `cachedMsgCount=${pq.cachedMsgCount}, cachedMsgSizeInMiB=${pq.cachedMsgSizeInMiB}, transactionMsgMinOffset=${pq.transactionMsgMinOffset}, ` +
    `transactionMsgMaxOffset=${pq.transactionMsgMaxOffset}, transactionMsgCount=${pq.transactionMsgCount}, locked=${pq.locked}, tryUnlockTimes=${pq.tryUnlockTimes}, ` +
    `lastLockTimestamp=${timeMillisToHumanString(pq.lastLockTimestamp)}, droped=${pq.droped}, lastPullTimestamp=${timeMillisToHumanString(pq.lastPullTimestamp)}, ` +
    `lastConsumeTimestamp=${timeMillisToHumanString(pq.lastConsumeTimestamp)}]`
  );
}

function sortedQueues(info: ConsumerRunningInfo): ConsumerRunningInfo['mqTable'][number][] {
  return [...info.mqTable].sort((a, b) => compareQueues(a.queue, b.queue));
}

/** ConsumerRunningInfo.formatString. */
export function formatRunningInfo(info: ConsumerRunningInfo): string {
  const lines: string[] = ['#Consumer Properties#'];
  for (const [key, value] of Object.entries(info.properties)) lines.push(javaFormat('%-40s: %s', key, value));
  lines.push('', '', '#Consumer Subscription#');
  [...info.subscriptionSet].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0)).forEach((subscription, index) => {
    lines.push(javaFormat('%03d Topic: %-40s ClassFilter: %-8s SubExpression: %s', index + 1, subscription.topic, subscription.classFilterMode, subscription.subString));
  });
  lines.push('', '', '#Consumer Offset#', javaFormat('%-64s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#Consumer Offset'));
  for (const { queue, info: pq } of sortedQueues(info)) lines.push(javaFormat('%-32s  %-32s  %-4d  %-20d', queue.topic, queue.brokerName, queue.queueId, pq.commitOffset));
  lines.push('', '', '#Consumer MQ Detail#', javaFormat('%-64s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#ProcessQueueInfo'));
  for (const { queue, info: pq } of sortedQueues(info)) lines.push(javaFormat('%-64s  %-32s  %-4d  %s', queue.topic, queue.brokerName, queue.queueId, processQueueToString(pq)));
  lines.push('', '', '#Consumer Pop Detail#', javaFormat('%-32s  %-32s  %-4s  %-20s', '#Topic', '#Broker Name', '#QID', '#ProcessQueueInfo'));
  lines.push('', '', '#Consumer RT&TPS#');
  lines.push(javaFormat('%-64s  %14s %14s %14s %14s %18s %25s', '#Topic', '#Pull RT', '#Pull TPS', '#Consume RT', '#ConsumeOK TPS', '#ConsumeFailed TPS', '#ConsumeFailedMsgsInHour'));
  for (const [topic, status] of Object.entries(info.statusTable).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    lines.push(
      javaFormat('%-32s  %14.2f %14.2f %14.2f %14.2f %18.2f %25d', topic, status.pullRT, status.pullTPS, status.consumeRT, status.consumeOKTPS, status.consumeFailedTPS, status.consumeFailedMsgs),
    );
  }
  lines.push('', '', '#User Consume Info#');
  for (const [key, value] of Object.entries(info.userConsumerInfo)) lines.push(javaFormat('%-40s: %s', key, value));
  if (info.jstack !== undefined) lines.push('', '', '#Consumer jstack#', info.jstack);
  return `${lines.join('\n')}\n`;
}

function isPush(info: ConsumerRunningInfo): boolean {
  return info.properties['PROP_CONSUME_TYPE'] === 'CONSUME_PASSIVELY';
}

function subscriptionKey(subscriptions: readonly SubscriptionData[]): string {
  return JSON.stringify([...subscriptions].map((s) => [s.topic, s.subString, s.expressionType]).sort());
}

/** ConsumerRunningInfo.analyzeSubscription: push clients started over 2 minutes ago subscribe alike. */
export function sameSubscription(infos: readonly ConsumerRunningInfo[], now: number): boolean {
  const first = infos[0];
  if (first === undefined) return true;
  const startedAt = Number(first.properties['PROP_CONSUMER_START_TIMESTAMP'] ?? now);
  if (!isPush(first) || now - startedAt <= 2 * 60_000) return true;
  return infos.every((info) => subscriptionKey(info.subscriptionSet) === subscriptionKey(first.subscriptionSet));
}

/** ConsumerRunningInfo.analyzeProcessQueue: queues that look stuck, one line each. */
export function analyzeProcessQueue(clientId: string, info: ConsumerRunningInfo, now: number): string {
  if (!isPush(info)) return '';
  const orderly = info.properties['PROP_CONSUMEORDERLY']?.toLowerCase() === 'true';
  let text = '';
  for (const { queue, info: pq } of info.mqTable) {
    if (orderly && !pq.locked) text += `${clientId} ${queueToString(queue)} can't lock for a while, ${now - pq.lastLockTimestamp}ms\n`;
    else if (orderly && pq.droped && pq.tryUnlockTimes > 0) text += `${clientId} ${queueToString(queue)} unlock ${pq.tryUnlockTimes} times, still failed\n`;
    else if (!orderly && now - pq.lastConsumeTimestamp > 60_000 && pq.cachedMsgCount > 0) {
      text += `${clientId} ${queueToString(queue)} can't consume for a while, maybe blocked, ${now - pq.lastConsumeTimestamp}ms\n`;
    }
  }
  return text;
}
