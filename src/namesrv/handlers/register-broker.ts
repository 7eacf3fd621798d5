/**
 * RequestCode.REGISTER_BROKER (103). Checks bodyCrc32 when it is not 0 (Java's CRC32 of the body
 * & 0x7FFFFFFF; a mismatch is SYSTEM_ERROR "crc32 not match", as in Java), decodes the plain or
 * compressed RegisterBrokerBody (a request without a body registers no topics), records the broker
 * and answers haServerAddr/masterAddr for a slave, with the ORDER_TOPIC_CONFIG KV table as body
 * when returnOrderTopicConfigToBroker.
 */
import { crc32 } from 'node:zlib';
import {
  decodeRegisterBrokerBody,
  encodeKVTable,
  RegisterBrokerRequestHeader,
  RegisterBrokerResponseHeader,
  RequestCode,
  ResponseCode,
  ResponseCodeError,
  type RegisterBrokerBody,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.js';
import type { NamesrvContext } from './context.js';

const NO_BODY: RegisterBrokerBody = {
  dataVersion: { stateVersion: 0, timestamp: 0, counter: 0 },
  topicConfigTable: new Map(),
  filterServerList: [],
};

/** UtilAll.crc32: CRC32 & 0x7FFFFFFF, 0 for no body. */
export function javaCrc32(body: Buffer | undefined): number {
  return body === undefined ? 0 : crc32(body) & 0x7fffffff;
}

export const registerBroker = defineHandler<NamesrvContext, typeof RegisterBrokerRequestHeader.fields>({
  code: RequestCode.REGISTER_BROKER,
  header: RegisterBrokerRequestHeader,
  async handle(ctx, { header, command, connection }) {
    const expectedCrc = header.bodyCrc32 ?? 0;
    if (expectedCrc !== 0 && javaCrc32(command.body) !== expectedCrc) {
      ctx.logger.warn({ peer: connection.remoteAddress, broker: header.brokerAddr }, 'receive registerBroker request, crc32 not match');
      throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, 'crc32 not match');
    }
    const body =
      command.body === undefined || command.body.length === 0
        ? NO_BODY
        : await decodeRegisterBrokerBody(command.body, header.compressed === true);
    if (connection.closed === true) {
      // It closed while the body was decoded; registering now would leave a broker no close can remove.
      ctx.logger.debug({ broker: header.brokerAddr }, 'registerBroker from a closed connection; ignored');
      return ok();
    }
    const result = ctx.routes.registerBroker({
      clusterName: header.clusterName,
      brokerAddr: header.brokerAddr,
      brokerName: header.brokerName,
      brokerId: header.brokerId,
      haServerAddr: header.haServerAddr,
      enableActingMaster: header.enableActingMaster,
      heartbeatTimeoutMillis: header.heartbeatTimeoutMillis,
      dataVersion: body.dataVersion,
      topicConfigTable: body.topicConfigTable,
      filterServerList: body.filterServerList,
      connectionId: connection.id,
    });
    const broker = { cluster: header.clusterName, brokerName: header.brokerName, brokerId: header.brokerId, brokerAddr: header.brokerAddr };
    if (result.status === 'STALE') {
      ctx.logger.warn({ ...broker, currentAddr: result.currentAddr }, 'registering broker conflicts with a newer one; ignored');
      return ok();
    }
    if (result.firstRegistration) ctx.logger.info({ ...broker, topics: body.topicConfigTable.size }, 'new broker registered');
    const orderTopicConfig = ctx.config.returnOrderTopicConfigToBroker ? ctx.kv.namespace(NAMESPACE_ORDER_TOPIC_CONFIG) : undefined;
    return ok(
      RegisterBrokerResponseHeader.encode({ haServerAddr: result.haServerAddr, masterAddr: result.masterAddr }),
      orderTopicConfig === undefined ? undefined : encodeKVTable(orderTopicConfig),
    );
  },
});
