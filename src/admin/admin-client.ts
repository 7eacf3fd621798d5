/**
 * admin-client.ts: how mqadmin talks to a cluster (RocketMQ's DefaultMQAdminExt), on the client
 * SDK's transport: requests to a name server (trying each in turn until one answers) or to one
 * broker, failures turned into one-line AdminErrors, and the lookups most commands need.
 */
import { ClientTransport } from '../client/index.js';
import {
  createResponse,
  decodeClusterInfo,
  decodeTopicRouteData,
  describeResponseCode,
  GetRouteInfoRequestHeader,
  RequestCode,
  ResponseCode,
  type ClusterInfo,
  type ExtFields,
  type RemotingCommand,
  type TopicRouteData,
} from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import { AdminError } from './errors.js';

export const ADMIN_TIMEOUT_MS = 5000;

export interface AdminRequest {
  readonly code: number;
  readonly extFields?: ExtFields;
  readonly body?: Buffer;
}

export class AdminClient {
  private readonly transport: ClientTransport;

  constructor(
    readonly namesrvAddrs: readonly string[],
    readonly logger: Logger,
    private readonly timeoutMs = ADMIN_TIMEOUT_MS,
  ) {
    this.transport = new ClientTransport({
      logger,
      // mqadmin serves nothing: a broker's request gets REQUEST_CODE_NOT_SUPPORTED.
      onRequest: (connection, request) => {
        connection.send(createResponse(request, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, { remark: 'mqadmin serves no requests' }));
        connection.requestDone();
      },
      onNewConnection: () => undefined,
    });
  }

  /** Sends to the name servers in turn until one answers; its answer, whatever the code. */
  async namesrv(request: AdminRequest): Promise<RemotingCommand> {
    if (this.namesrvAddrs.length === 0) {
      throw new AdminError('no name server address: use -n host:9876 or set NAMESRV_ADDR');
    }
    const failures: string[] = [];
    for (const address of this.namesrvAddrs) {
      try {
        return await this.transport.invoke(address, request, this.timeoutMs);
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    throw new AdminError(`no name server answered: ${failures.join('; ')}`);
  }

  /** Sends to one broker; its answer, whatever the code. */
  async broker(address: string, request: AdminRequest): Promise<RemotingCommand> {
    try {
      return await this.transport.invoke(address, request, this.timeoutMs);
    } catch (error) {
      throw new AdminError(`broker ${address}: ${(error as Error).message}`);
    }
  }

  /** The response when it is SUCCESS; else an AdminError saying what failed and why. */
  static ok(response: RemotingCommand, what: string): RemotingCommand {
    if (response.code === ResponseCode.SUCCESS) return response;
    throw new AdminError(`${what}: ${describeResponseCode(response.code)} ${response.remark ?? ''}`.trimEnd());
  }

  async clusterInfo(): Promise<ClusterInfo> {
    const response = AdminClient.ok(await this.namesrv({ code: RequestCode.GET_BROKER_CLUSTER_INFO }), 'get cluster info');
    return decodeClusterInfo(response.body);
  }

  async topicRoute(topic: string): Promise<TopicRouteData> {
    const extFields = GetRouteInfoRequestHeader.encode({ topic });
    const response = AdminClient.ok(await this.namesrv({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields }), `route of topic ${topic}`);
    return decodeTopicRouteData(response.body);
  }

  /** Master addresses of a cluster's brokers (CommandUtil.fetchMasterAddrByClusterName). */
  async masterAddrsOfCluster(cluster: string): Promise<string[]> {
    const info = await this.clusterInfo();
    const names = info.clusterAddrTable[cluster];
    if (names === undefined) throw new AdminError(`cluster ${cluster} does not exist`);
    return names.flatMap((name) => {
      const master = info.brokerAddrTable[name]?.brokerAddrs['0'];
      return master === undefined ? [] : [master];
    });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
