/**
 * remote-broker-offset-store.ts: a clustering group's offsets, kept by the broker of each queue
 * (RemoteBrokerOffsetStore.java): QUERY_CONSUMER_OFFSET to read, UPDATE_CONSUMER_OFFSET to commit.
 * The periodic commit is oneway, as Java's; a commit the caller waits for (shutdown, a lost queue)
 * waits for the broker's answer, so a client that closes right after cannot lose it in a socket
 * buffer.
 */
import type { ClientInstance } from '../core/client-instance.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import type { MessageQueue } from '../message.js';
import { OFFSET_NOT_FOUND, OFFSET_READ_FAILED, OffsetTable, ReadOffsetType, type OffsetStore } from './offset-store.js';

export class RemoteBrokerOffsetStore implements OffsetStore {
  private readonly table = new OffsetTable();

  constructor(
    private readonly instance: ClientInstance,
    private readonly groupName: string,
  ) {}

  async load(): Promise<void> {
    // Nothing to load: the broker holds the offsets.
  }

  updateOffset(queue: MessageQueue, offset: number, increaseOnly: boolean): void {
    this.table.update(queue, offset, increaseOnly);
  }

  async readOffset(queue: MessageQueue, type: ReadOffsetType): Promise<number> {
    if (type !== ReadOffsetType.READ_FROM_STORE) {
      const offset = this.table.get(queue);
      if (offset !== undefined) return offset;
      if (type === ReadOffsetType.READ_FROM_MEMORY) return OFFSET_NOT_FOUND;
    }
    try {
      const offset = await this.instance.api.queryConsumerOffset(await this.brokerAddress(queue), this.groupName, queue);
      if (offset >= 0) this.table.update(queue, offset, false);
      return offset;
    } catch (error) {
      this.instance.logger.warn({ err: error, queue: queue.toString() }, 'fetchConsumeOffsetFromBroker failed');
      return OFFSET_READ_FAILED;
    }
  }

  /** The master of the queue's broker (findBrokerAddressInSubscribe with MASTER_ID), refreshing the route once. */
  private async brokerAddress(queue: MessageQueue): Promise<string> {
    let found = this.instance.routes.findBrokerAddressInSubscribe(queue.brokerName, 0, true);
    if (found === undefined) {
      await this.instance.updateTopicRouteInfoFromNameServer(queue.topic);
      found = this.instance.routes.findBrokerAddressInSubscribe(queue.brokerName, 0, false);
    }
    if (found === undefined) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${queue.brokerName}] not exist`);
    return found.address;
  }

  async persistAll(queues: readonly MessageQueue[], wait: boolean): Promise<void> {
    const keep = new Set(queues.map((queue) => queue.key));
    const commits: Promise<void>[] = [];
    for (const [key, entry] of [...this.table.entries]) {
      if (!keep.has(key)) {
        this.table.entries.delete(key);
        continue;
      }
      commits.push(this.commit(entry.queue, entry.offset, !wait));
    }
    await Promise.all(commits);
  }

  async persist(queue: MessageQueue): Promise<void> {
    const offset = this.table.get(queue);
    if (offset !== undefined) await this.commit(queue, offset, false);
  }

  removeOffset(queue: MessageQueue): void {
    this.table.remove(queue);
  }

  private async commit(queue: MessageQueue, offset: number, oneway: boolean): Promise<void> {
    try {
      await this.instance.api.updateConsumerOffset(await this.brokerAddress(queue), this.groupName, queue, offset, oneway);
    } catch (error) {
      this.instance.logger.warn({ err: error, queue: queue.toString(), offset }, 'updateConsumeOffsetToBroker failed');
    }
  }
}
