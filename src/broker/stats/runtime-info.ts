/**
 * runtime-info.ts: the table GET_BROKER_RUNTIME_INFO (28) answers (AdminBrokerProcessor
 * .prepareRuntimeInfo with DefaultMessageStore.getRuntimeInfo and StoreStatsService
 * .getRuntimeInfo), built from our own measurements only.
 *
 * Keys with true values: the StoreStats keys (bootTimestamp, runtime, putTps, getFoundTps,
 * getMissTps, getTotalTps, getTransferredTps, putMessage*, getMessageEntireTimeMax,
 * putLatency99/999), msgPut/GetTotal{YesterdayMorning,TodayMorning,TodayNow}, brokerVersionDesc
 * and brokerVersion (the version our servers answer with), brokerActive (a running master serves
 * the schedule and transaction checks: true), commitLogMinOffset/MaxOffset, commitLogDiskRatio
 * (and commitLogDiskRatio_<dir>), consumeQueueDiskRatio and commitLogDirCapacity (statfs of the
 * folders), earliestMessageTimeStamp (store time of the first CommitLog record, -1 when there is
 * none, as Java), dispatchBehindBytes (0: the store dispatches each record to its ConsumeQueue
 * as it is written, there is no reput thread to fall behind), scheduleMessageOffset_<level> ("delivered,max" per delay level), timerOffsetBehind
 * (timer messages not yet taken into the timer log).
 *
 * Left out because they have no meaning here (we would have to invent them): the thread pool
 * queue sizes, capacities and head wait times (send, pull, litePull, query, ack, EndTransaction:
 * requests run on the event loop, not in pools), pageCacheLockTimeMills (no put lock),
 * startAcceptSendRequestTimeStamp (no such setting), remainTransientStoreBufferNumbs,
 * remainHowManyDataToCommit/Flush (not measured by our store), and timerReadBehind,
 * timerCongestNum, timerEnqueueTps, timerDequeueTps (not measured by our timer).
 *
 * Must not: block (statfs and the record read are async) or fail the request when a folder is
 * missing (its ratio is -1, as Java's).
 */
import { statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { SERVER_VERSION } from '../../protocol/index.js';
import { TopicNames } from '../../message/index.js';
import type { MessageStore, StoreConfig } from '../../store/index.js';
import { TIMER_QUEUE_ID, TIMER_TOPIC } from '../timer/timer-const.js';
import type { BrokerStats } from './broker-stats.js';
import { javaDouble } from './store-stats.js';

/** MQVersion.getVersionDesc(SERVER_VERSION): the name of the version our servers answer with. */
export const SERVER_VERSION_DESC = 'V5_3_3';

/** What the table is built from. */
export interface RuntimeInfoSources {
  readonly stats: BrokerStats;
  readonly store: MessageStore;
  readonly storeConfig: StoreConfig;
  /** Next offset to deliver per delay level (ScheduleMessageService.offsets). */
  readonly delayOffsets: ReadonlyMap<number, number>;
  /** rmq_sys_wheel_timer entries the timer has taken in (its enqueue offset). */
  readonly timerQueueOffset: number;
  readonly nowMs: number;
}

interface DiskSpace {
  readonly total: number;
  readonly free: number;
}

async function diskSpace(path: string): Promise<DiskSpace | undefined> {
  try {
    const stats = await statfs(path);
    return { total: stats.blocks * stats.bsize, free: stats.bfree * stats.bsize };
  } catch {
    // A folder not created yet (or gone): Java answers -1 for its ratio.
    return undefined;
  }
}

/** UtilAll.getDiskPartitionSpaceUsedPercent: used / total, -1 when unknown. */
function usedRatio(space: DiskSpace | undefined): number {
  if (space === undefined || space.total <= 0) return -1;
  return (space.total - space.free) / space.total;
}

/** MixAll.humanReadableByteCount(bytes, false): "1.5 GiB", "512 B". */
export function humanReadableByteCount(bytes: number): string {
  const unit = 1024;
  if (bytes < unit) return `${bytes} B`;
  const exponent = Math.min(6, Math.floor(Math.log(bytes) / Math.log(unit)));
  return `${(bytes / unit ** exponent).toFixed(1)} ${'KMGTPE'.charAt(exponent - 1)}iB`;
}

async function storeEntries(sources: RuntimeInfoSources): Promise<Record<string, string>> {
  const { store, storeConfig } = sources;
  const root = storeConfig.storePathRootDir;
  const commitLogDir = storeConfig.storePathCommitLog === '' ? join(root, 'commitlog') : storeConfig.storePathCommitLog;
  const consumeQueueDir = storeConfig.storePathConsumeQueue === '' ? join(root, 'consumequeue') : storeConfig.storePathConsumeQueue;
  const [commitLogSpace, consumeQueueSpace, rootSpace, first] = await Promise.all([
    diskSpace(commitLogDir),
    diskSpace(consumeQueueDir),
    diskSpace(root),
    store.minPhyOffset < store.maxPhyOffset ? store.lookMessageByOffset(store.minPhyOffset) : Promise.resolve(undefined),
  ]);
  const entries: Record<string, string> = {
    [`commitLogDiskRatio_${commitLogDir}`]: javaDouble(usedRatio(commitLogSpace)),
    commitLogDiskRatio: javaDouble(usedRatio(commitLogSpace)),
    consumeQueueDiskRatio: javaDouble(usedRatio(consumeQueueSpace)),
    commitLogMinOffset: String(store.minPhyOffset),
    commitLogMaxOffset: String(store.maxPhyOffset),
    dispatchBehindBytes: '0',
    earliestMessageTimeStamp: String(first?.storeTimestamp ?? -1),
  };
  if (rootSpace !== undefined) {
    entries['commitLogDirCapacity'] = `Total : ${humanReadableByteCount(rootSpace.total)}, Free : ${humanReadableByteCount(rootSpace.free)}.`;
  }
  return entries;
}

function scheduleEntries(sources: RuntimeInfoSources): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [level, offset] of sources.delayOffsets) {
    const max = sources.store.getMaxOffsetInQueue(TopicNames.SCHEDULE_TOPIC, level - 1);
    entries[`scheduleMessageOffset_${level}`] = `${offset},${max}`;
  }
  return entries;
}

/** The runtime info table, keys as Java names them. */
export async function buildRuntimeInfo(sources: RuntimeInfoSources): Promise<Record<string, string>> {
  const { stats, store } = sources;
  const timerBehind = Math.max(0, store.getMaxOffsetInQueue(TIMER_TOPIC, TIMER_QUEUE_ID) - sources.timerQueueOffset);
  return {
    ...stats.store.runtimeInfo(sources.nowMs),
    ...(await storeEntries(sources)),
    ...scheduleEntries(sources),
    brokerActive: 'true',
    brokerVersionDesc: SERVER_VERSION_DESC,
    brokerVersion: String(SERVER_VERSION),
    msgPutTotalYesterdayMorning: String(stats.msgPutTotalYesterdayMorning),
    msgPutTotalTodayMorning: String(stats.msgPutTotalTodayMorning),
    msgPutTotalTodayNow: String(stats.msgPutTotalTodayNow),
    msgGetTotalYesterdayMorning: String(stats.msgGetTotalYesterdayMorning),
    msgGetTotalTodayMorning: String(stats.msgGetTotalTodayMorning),
    msgGetTotalTodayNow: String(stats.msgGetTotalTodayNow),
    timerOffsetBehind: String(timerBehind),
  };
}
