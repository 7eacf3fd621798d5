/**
 * queue-offset-table.ts: the next queue offset of every topic/queueId (RocketMQ's topicQueueTable).
 * Appends take offsets from it synchronously, so offsets are assigned in CommitLog order.
 * Rebuilt from the ConsumeQueues at start; lives only in memory.
 */
export class QueueOffsetTable {
  private readonly table = new Map<string, Map<number, number>>();

  /** The next offset of the queue (0 for an unknown one). */
  get(topic: string, queueId: number): number {
    return this.table.get(topic)?.get(queueId) ?? 0;
  }

  set(topic: string, queueId: number, next: number): void {
    let byId = this.table.get(topic);
    if (byId === undefined) {
      byId = new Map();
      this.table.set(topic, byId);
    }
    byId.set(queueId, next);
  }

  /** Takes the next offset and moves past it (once per stored message: one lookup per level). */
  take(topic: string, queueId: number): number {
    let byId = this.table.get(topic);
    if (byId === undefined) {
      byId = new Map();
      this.table.set(topic, byId);
    }
    const offset = byId.get(queueId) ?? 0;
    byId.set(queueId, offset + 1);
    return offset;
  }

  deleteTopic(topic: string): void {
    this.table.delete(topic);
  }
}
