// The parts of ali-ons (the pure-JS RocketMQ 4.x client) the interop tests use. It ships no types.
declare module 'ali-ons' {
  import type { EventEmitter } from 'node:events';

  export interface OnsLogger {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  }

  export interface ClientOptions {
    httpclient: unknown;
    nameSrv: string | string[];
    logger?: OnsLogger;
    instanceName?: string;
    rebalanceInterval?: number;
    persistConsumerOffsetInterval?: number;
    heartbeatBrokerInterval?: number;
    /** Sic: ali-ons spells it this way. */
    pollNameServerInteval?: number;
  }

  export class Message {
    constructor(topic: string, tags: string | null, body: Buffer | string);
    topic: string;
    tags: string;
    keys: string[] | string;
    body: Buffer;
    msgId: string;
    queueId: number;
    queueOffset: number;
    commitLogOffset: number;
    reconsumeTimes: number;
    storeHost: string;
    bornHost: string;
    properties: Record<string, string>;
  }

  export interface SendResult {
    sendStatus: string;
    msgId: string;
    messageQueue: { topic: string; brokerName: string; queueId: number };
    queueOffset: number;
  }

  export class Producer extends EventEmitter {
    /** The process-wide internal producer (CLIENT_INNER_PRODUCER) every client starts once. */
    static defaultProducer: Producer | null;
    constructor(options: ClientOptions & { producerGroup: string });
    ready(): Promise<void>;
    send(message: Message): Promise<SendResult>;
    close(): Promise<void>;
  }

  export class Consumer extends EventEmitter {
    static ACTION_RETRY: string;
    constructor(
      options: ClientOptions & {
        consumerGroup: string;
        isBroadcast?: boolean;
        consumeFromWhere?: string;
        pullBatchSize?: number;
        parallelConsumeLimit?: number;
        /** Retries before ali-ons gives up on a message (16); sent to the broker with each send-back. */
        maxReconsumeTimes?: number;
      },
    );
    ready(): Promise<void>;
    subscribe(topic: string, expression: string, handler: (message: Message) => Promise<unknown>): void;
    close(): Promise<void>;
    readonly processQueueTable: Map<string, unknown>;
  }
}
