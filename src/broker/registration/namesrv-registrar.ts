/**
 * namesrv-registrar.ts: the broker's side of name server membership (BrokerOuterAPI.java):
 * REGISTER_BROKER to every name server in parallel at start, every registerNameServerPeriod and
 * soon after topics change; UNREGISTER_BROKER at shutdown. Name servers never talk to each other,
 * so each one gets its own registration and a failure with one does not affect the others.
 */
import { crc32 } from 'node:zlib';
import {
  encodeRegisterBrokerBody,
  RegisterBrokerRequestHeader,
  RequestCode,
  ResponseCode,
  UnRegisterBrokerRequestHeader,
  isReadable,
  isWriteable,
  type TopicConfig,
} from '../../protocol/index.js';
import type { RemotingClient } from '../../remoting/index.js';
import type { Logger } from '../../log/index.js';
import type { BrokerConfig } from '../config.js';
import type { TopicConfigManager } from '../topic/topic-config-manager.js';

/** Coalesces change-triggered registrations that come in a burst. */
const REGISTER_SOON_DELAY_MS = 50;

export interface RegistrarOptions {
  readonly client: RemotingClient;
  readonly namesrvAddrs: readonly string[];
  readonly config: BrokerConfig;
  readonly topics: TopicConfigManager;
  readonly brokerAddr: string;
  readonly haServerAddr: string;
  readonly logger: Logger;
}

export class NamesrvRegistrar {
  private periodic: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly options: RegistrarOptions) {}

  /** Registers now and then periodically. */
  async start(): Promise<void> {
    await this.registerAll();
    this.periodic = setInterval(() => this.requestRegister(), this.options.config.registerNameServerPeriod);
    this.periodic.unref();
  }

  /** Registers soon; several requests in a burst make one registration. */
  requestRegister(): void {
    if (this.soon !== undefined) return;
    this.soon = setTimeout(() => {
      this.soon = undefined;
      void this.registerAll();
    }, REGISTER_SOON_DELAY_MS);
    this.soon.unref();
  }

  /** One registration with every name server; failures are logged, never thrown. */
  registerAll(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await Promise.all(this.options.namesrvAddrs.map((addr) => this.registerOne(addr)));
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops registering and unregisters from every name server. */
  async shutdown(): Promise<void> {
    if (this.periodic) clearInterval(this.periodic);
    if (this.soon) clearTimeout(this.soon);
    await this.running;
    const { config, client, brokerAddr, logger } = this.options;
    const extFields = UnRegisterBrokerRequestHeader.encode({
      brokerName: config.brokerName,
      brokerAddr,
      clusterName: config.brokerClusterName,
      brokerId: config.brokerId,
    });
    await Promise.all(
      this.options.namesrvAddrs.map(async (addr) => {
        try {
          await client.invoke(addr, { code: RequestCode.UNREGISTER_BROKER, extFields }, config.registerBrokerTimeoutMills);
        } catch (error) {
          logger.warn({ namesrv: addr, reason: (error as Error).message }, 'unregister from name server failed');
        }
      }),
    );
  }

  private topicTable(): Map<string, TopicConfig> {
    const { config, topics } = this.options;
    const table = new Map<string, TopicConfig>();
    const restricted = !isWriteable(config.brokerPermission) || !isReadable(config.brokerPermission);
    for (const [name, topic] of topics.all()) {
      // A broker that may not be read or written advertises its topics with its own permission mask.
      table.set(name, restricted ? { ...topic, perm: topic.perm & config.brokerPermission } : topic);
    }
    return table;
  }

  private async registerOne(addr: string): Promise<void> {
    const { config, client, brokerAddr, haServerAddr, logger, topics } = this.options;
    try {
      const body = await encodeRegisterBrokerBody(
        { dataVersion: topics.dataVersion, topicConfigTable: this.topicTable(), filterServerList: [] },
        config.compressedRegister,
      );
      const extFields = RegisterBrokerRequestHeader.encode({
        brokerName: config.brokerName,
        brokerAddr,
        clusterName: config.brokerClusterName,
        haServerAddr,
        brokerId: config.brokerId,
        compressed: config.compressedRegister,
        bodyCrc32: crc32(body) & 0x7fffffff,
      });
      const response = await client.invoke(addr, { code: RequestCode.REGISTER_BROKER, extFields, body }, config.registerBrokerTimeoutMills);
      if (response.code !== ResponseCode.SUCCESS) {
        logger.warn({ namesrv: addr, code: response.code, remark: response.remark }, 'name server refused the registration');
      }
    } catch (error) {
      logger.warn({ namesrv: addr, reason: (error as Error).message }, 'register to name server failed');
    }
  }
}
