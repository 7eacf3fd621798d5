/**
 * broker-to-client.ts: the admin requests the broker carries out by asking its consumers
 * (Broker2Client.java): a reset of a group's offsets by time, told to every live client of the
 * group with RESET_CONSUMER_CLIENT_OFFSET (220, oneway); the offsets each client holds, asked with
 * GET_CONSUMER_STATUS_FROM_CLIENT (221); and any request relayed to one client (callClient, for
 * GET_CONSUMER_RUNNING_INFO 307).
 *
 * Invariants: every call to a client has a timeout (CALL_CLIENT_TIMEOUT_MS); a client that does
 * not answer is logged and skipped, never fails the whole request.
 * Must not: hold a connection beyond the call, or change offsets other than the reset's.
 */
import {
  decodeGetConsumerStatusBody,
  encodeMessageQueueMap,
  GetConsumerStatusRequestHeader,
  RequestCode,
  ResetOffsetRequestHeader,
  ResponseCode,
  type QueueOffsetEntry,
  type RemotingCommand,
} from '../../protocol/index.js';
import type { BrokerContext } from '../context.js';
import { BrokerError } from '../errors.js';
import type { ClientChannel } from './client-channel.js';

/** Broker2Client's timeout for a call to a client. */
export const CALL_CLIENT_TIMEOUT_MS = 5000;
/** MQVersion.Version.V3_0_7_SNAPSHOT.ordinal(): clients from it on understand 220 and 221. */
export const VERSION_V3_0_7_SNAPSHOT = 28;
/** MQVersion.Version.V3_1_8_SNAPSHOT.ordinal(): clients from it on answer 307. */
export const VERSION_V3_1_8_SNAPSHOT = 77;

export interface ResetRequest {
  readonly topic: string;
  readonly group: string;
  /** -1: the end of each queue. */
  readonly timestamp: number;
  readonly isForce: boolean;
  /** Only this queue, to `offset`, when set (resetOffsetByQueueId). */
  readonly queue?: { readonly queueId: number; readonly offset: number } | undefined;
}

async function offsetOfQueue(ctx: BrokerContext, request: ResetRequest, queueId: number): Promise<number> {
  if (request.queue !== undefined) return request.queue.offset;
  const found = request.timestamp === -1 ? ctx.store.getMaxOffsetInQueue(request.topic, queueId) : await ctx.store.getOffsetInQueueByTime(request.topic, queueId, request.timestamp);
  if (found < 0) ctx.logger.warn({ topic: request.topic, queueId, found }, 'reset offset is invalid');
  return Math.max(found, 0);
}

/** The new offset of every queue of the topic (Broker2Client.resetOffset's offsetTable). */
async function resetTable(ctx: BrokerContext, request: ResetRequest, queueCount: number): Promise<QueueOffsetEntry[]> {
  const table: QueueOffsetEntry[] = [];
  const queueIds = request.queue === undefined ? Array.from({ length: queueCount }, (_, id) => id) : [request.queue.queueId];
  for (const queueId of queueIds) {
    const consumerOffset = ctx.offsets.query(request.group, request.topic, queueId);
    if (consumerOffset === -1 && request.queue === undefined) {
      throw new BrokerError(ResponseCode.SYSTEM_ERROR, `THe consumer group <${request.group}> not exist`);
    }
    const target = await offsetOfQueue(ctx, request, queueId);
    const offset = request.isForce || target < consumerOffset ? target : consumerOffset;
    table.push({ queue: { topic: request.topic, brokerName: ctx.config.brokerName, queueId }, offset });
  }
  return table;
}

function checkVersion(channel: ClientChannel): void {
  if (channel.version < VERSION_V3_0_7_SNAPSHOT) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `the client does not support this feature. version=${channel.version}`);
  }
}

/**
 * INVOKE_BROKER_TO_RESET_OFFSET: computes the offsets, commits them here and tells every live
 * client of the group; the offsets as answered. Throws BrokerError (TOPIC_NOT_EXIST,
 * CONSUMER_NOT_ONLINE, SYSTEM_ERROR) as Java answers.
 */
export async function resetOffset(ctx: BrokerContext, request: ResetRequest): Promise<QueueOffsetEntry[]> {
  const config = ctx.topics.get(request.topic);
  if (config === undefined) {
    throw new BrokerError(ResponseCode.TOPIC_NOT_EXIST, `[reset-offset] reset offset failed, no topic in this broker. topic=${request.topic}`);
  }
  const table = await resetTable(ctx, request, config.writeQueueNums);
  const channels = [...(ctx.consumers.get(request.group)?.channels.values() ?? [])];
  if (channels.length === 0) {
    throw new BrokerError(
      ResponseCode.CONSUMER_NOT_ONLINE,
      `Consumer not online, so can not reset offset, Group: ${request.group} Topic: ${request.topic} Timestamp: ${request.timestamp}`,
    );
  }
  for (const channel of channels) checkVersion(channel);
  for (const { queue, offset } of table) ctx.offsets.commit(request.group, request.topic, queue.queueId, offset);
  const extFields = ResetOffsetRequestHeader.encode({ topic: request.topic, group: request.group, timestamp: request.timestamp, isForce: request.isForce });
  const body = encodeMessageQueueMap('offsetTable', table);
  for (const channel of channels) {
    channel.connection.invokeOneway({ code: RequestCode.RESET_CONSUMER_CLIENT_OFFSET, extFields, body });
    ctx.logger.info({ topic: request.topic, group: request.group, clientId: channel.clientId }, '[reset-offset] reset offset success');
  }
  return table;
}

/** INVOKE_BROKER_TO_GET_CONSUMER_STATUS: each client's offsets of the topic (all, or the one at clientAddr). */
export async function consumerStatus(
  ctx: BrokerContext,
  topic: string,
  group: string,
  clientAddr: string | undefined,
): Promise<{ clientId: string; offsets: QueueOffsetEntry[] }[]> {
  const channels = [...(ctx.consumers.get(group)?.channels.values() ?? [])];
  if (channels.length === 0) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `No Any Consumer online in the consumer group: [${group}]`);
  const wanted = clientAddr === undefined || clientAddr.trim() === '' ? undefined : clientAddr;
  const extFields = GetConsumerStatusRequestHeader.encode({ topic, group });
  const table: { clientId: string; offsets: QueueOffsetEntry[] }[] = [];
  for (const channel of channels) {
    checkVersion(channel);
    if (wanted !== undefined && wanted !== channel.clientId) continue;
    try {
      const response = await channel.connection.invoke({ code: RequestCode.GET_CONSUMER_STATUS_FROM_CLIENT, extFields }, CALL_CLIENT_TIMEOUT_MS);
      if (response.code === ResponseCode.SUCCESS && response.body !== undefined) {
        table.push({ clientId: channel.clientId, offsets: [...decodeGetConsumerStatusBody(response.body).messageQueueTable] });
      }
    } catch (error) {
      ctx.logger.warn({ topic, group, clientId: channel.clientId, error: (error as Error).message }, '[get-consumer-status] get consumer status exception');
    }
    if (wanted !== undefined) break;
  }
  return table;
}

/** Relays `request` to the group's client `clientId` and answers what it answers (callConsumer). */
export async function callConsumer(ctx: BrokerContext, request: RemotingCommand, group: string, clientId: string): Promise<RemotingCommand> {
  const channel = ctx.consumers.findChannel(group, clientId);
  if (channel === undefined) throw new BrokerError(ResponseCode.SYSTEM_ERROR, `The Consumer <${group}> <${clientId}> not online`);
  if (channel.version < VERSION_V3_1_8_SNAPSHOT) {
    throw new BrokerError(ResponseCode.SYSTEM_ERROR, `The Consumer <${clientId}> Version <${channel.version}> too low to finish, please upgrade it to V3_1_8_SNAPSHOT`);
  }
  try {
    return await channel.connection.invoke({ code: request.code, extFields: request.extFields, body: request.body }, CALL_CLIENT_TIMEOUT_MS);
  } catch (error) {
    const timedOut = (error as Error).name === 'RemotingTimeoutError';
    throw new BrokerError(
      timedOut ? ResponseCode.CONSUME_MSG_TIMEOUT : ResponseCode.SYSTEM_ERROR,
      timedOut ? `consumer <${group}> <${clientId}> Timeout: ${(error as Error).message}` : `invoke consumer <${group}> <${clientId}> Exception: ${(error as Error).message}`,
    );
  }
}
