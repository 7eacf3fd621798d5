/**
 * queue-admin.ts: questions about one queue a consumer asks its broker's master (MQAdminImpl:
 * maxOffset, minOffset, searchOffset, earliestMsgStoreTime), and where a queue without a committed
 * offset starts (RebalancePushImpl.computePullFromWhereWithException).
 */
import type { ClientInstance } from '../core/client-instance.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import type { MessageQueue } from '../message.js';
import { isRetryTopic } from '../../message/index.js';
import { ResponseCode } from '../../protocol/index.js';
import { OFFSET_NOT_FOUND, ReadOffsetType, type OffsetStore } from '../offset/offset-store.js';
import type { ConsumeFromWhere } from '../options.js';

export class QueueAdmin {
  constructor(
    private readonly instance: ClientInstance,
    private readonly timeoutMs: number,
  ) {}

  private async address(queue: MessageQueue): Promise<string> {
    let address = this.instance.routes.masterAddress(queue.brokerName);
    if (address === undefined) {
      await this.instance.updateTopicRouteInfoFromNameServer(queue.topic);
      address = this.instance.routes.masterAddress(queue.brokerName);
    }
    if (address === undefined) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${queue.brokerName}] not exist`);
    return address;
  }

  async maxOffset(queue: MessageQueue): Promise<number> {
    return this.instance.api.getMaxOffset(await this.address(queue), queue, this.timeoutMs);
  }

  async minOffset(queue: MessageQueue): Promise<number> {
    return this.instance.api.getMinOffset(await this.address(queue), queue, this.timeoutMs);
  }

  async searchOffset(queue: MessageQueue, timestamp: number): Promise<number> {
    return this.instance.api.searchOffset(await this.address(queue), queue, timestamp, this.timeoutMs);
  }

  async earliestMsgStoreTime(queue: MessageQueue): Promise<number> {
    return this.instance.api.getEarliestMsgStoretime(await this.address(queue), queue, this.timeoutMs);
  }
}

export interface StartPosition {
  readonly consumeFromWhere: ConsumeFromWhere;
  /** CONSUME_FROM_TIMESTAMP's time, ms. */
  readonly consumeTimestamp: number;
}

/**
 * The offset a queue starts at: the committed one, else consumeFromWhere's. A retry topic starts
 * at 0 for LAST_OFFSET and at its end for TIMESTAMP, as in Java. Throws when the store cannot be
 * read, so the caller tries again at the next rebalance instead of guessing.
 */
export async function computePullFromWhere(start: StartPosition, store: OffsetStore, queue: MessageQueue, admin: QueueAdmin): Promise<number> {
  const lastOffset = await store.readOffset(queue, ReadOffsetType.READ_FROM_STORE);
  if (lastOffset >= 0) return lastOffset;
  if (lastOffset !== OFFSET_NOT_FOUND) throw new MQClientError(ResponseCode.QUERY_NOT_FOUND, 'Failed to query consume offset from offset store');
  switch (start.consumeFromWhere) {
    case 'CONSUME_FROM_LAST_OFFSET':
      return isRetryTopic(queue.topic) ? 0 : admin.maxOffset(queue);
    case 'CONSUME_FROM_FIRST_OFFSET':
      return 0;
    case 'CONSUME_FROM_TIMESTAMP':
      return isRetryTopic(queue.topic) ? admin.maxOffset(queue) : admin.searchOffset(queue, start.consumeTimestamp);
  }
}
