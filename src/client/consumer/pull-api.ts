/**
 * pull-api.ts: one PULL_MESSAGE for a queue (PullAPIWrapper.java): the node to pull from (the
 * master, or the node the broker last suggested), the header as the Java client fills it, and the
 * decoded, filtered messages of a FOUND answer. A pull from a slave never carries a commit offset.
 */
import { PullSysFlag, type SubscriptionData } from '../../protocol/index.js';
import type { ClientInstance } from '../core/client-instance.js';
import type { PullResponse } from '../core/client-api.js';
import { ClientErrorCode, MQClientError } from '../errors.js';
import type { MessageQueue } from '../message.js';
import { decodePulledMessages, type ReceivedMessage } from './received-message.js';

export interface PullArguments {
  readonly offset: number;
  readonly maxNums: number;
  /** maxMsgBytes; Java's push consumer sends pullBatchSizeInBytes, the lite pull consumer none. */
  readonly maxBytes?: number | undefined;
  readonly sysFlag: number;
  readonly commitOffset: number;
  readonly suspendTimeoutMillis: number;
  readonly timeoutMs: number;
  /** Send the subscription's expression in the request (SUBSCRIPTION flag). */
  readonly withSubscription: boolean;
  /** subVersion sent; Java's lite pull sends 0 for tag subscriptions. */
  readonly subVersion?: number;
}

export interface PullResult extends PullResponse {
  readonly messages: ReceivedMessage[];
}

export function buildPullSysFlag(commitOffset: boolean, suspend: boolean, subscription: boolean): number {
  return (commitOffset ? PullSysFlag.COMMIT_OFFSET : 0) | (suspend ? PullSysFlag.SUSPEND : 0) | (subscription ? PullSysFlag.SUBSCRIPTION : 0);
}

export class PullApi {
  /** The broker id each queue's broker suggested for the next pull (0: master). */
  private readonly pullFromWhichNode = new Map<string, number>();

  constructor(
    private readonly instance: ClientInstance,
    private readonly consumerGroup: string,
  ) {}

  private async findBroker(queue: MessageQueue): Promise<{ address: string; slave: boolean }> {
    const brokerId = this.pullFromWhichNode.get(queue.key) ?? 0;
    let found = this.instance.routes.findBrokerAddressInSubscribe(queue.brokerName, brokerId, false);
    if (found === undefined) {
      await this.instance.updateTopicRouteInfoFromNameServer(queue.topic);
      found = this.instance.routes.findBrokerAddressInSubscribe(queue.brokerName, brokerId, false);
    }
    if (found === undefined) throw new MQClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${queue.brokerName}] not exist`);
    return found;
  }

  async pull(queue: MessageQueue, subscription: SubscriptionData, args: PullArguments): Promise<PullResult> {
    const response = await this.request(queue, subscription, args);
    const messages = response.status === 'FOUND' && response.body !== undefined ? await decodePulledMessages(response.body, queue, response, subscription) : [];
    return { ...response, messages };
  }

  /** The PULL_MESSAGE of pull() without decoding its body (a push consumer sends its next pull first). */
  async request(queue: MessageQueue, subscription: SubscriptionData, args: PullArguments): Promise<PullResponse> {
    const broker = await this.findBroker(queue);
    const sysFlag = broker.slave ? args.sysFlag & ~PullSysFlag.COMMIT_OFFSET : args.sysFlag;
    const header = {
      consumerGroup: this.consumerGroup,
      topic: queue.topic,
      queueId: queue.queueId,
      queueOffset: args.offset,
      maxMsgNums: args.maxNums,
      sysFlag,
      commitOffset: args.commitOffset,
      suspendTimeoutMillis: args.suspendTimeoutMillis,
      subscription: args.withSubscription ? subscription.subString : undefined,
      subVersion: args.subVersion ?? subscription.subVersion,
      expressionType: subscription.expressionType,
      maxMsgBytes: args.maxBytes,
    };
    const response = await this.instance.api.pullMessage(broker.address, header, queue.brokerName, args.timeoutMs);
    this.pullFromWhichNode.set(queue.key, response.suggestWhichBrokerId);
    return response;
  }

  forget(queue: MessageQueue): void {
    this.pullFromWhichNode.delete(queue.key);
  }
}
