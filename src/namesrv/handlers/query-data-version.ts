/**
 * RequestCode.QUERY_DATA_VERSION (322): a RocketMQ 5 broker asking whether it must register again.
 * Answers changed=true when the body's DataVersion differs from the one it last registered (or it
 * is not registered), marks it alive, and returns the registered DataVersion as body if any.
 */
import {
  dataVersionToJson,
  decodeDataVersion,
  parseBody,
  QueryDataVersionRequestHeader,
  QueryDataVersionResponseHeader,
  RequestCode,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import type { NamesrvContext } from './context.js';

export const queryDataVersion = defineHandler<NamesrvContext, typeof QueryDataVersionRequestHeader.fields>({
  code: RequestCode.QUERY_DATA_VERSION,
  header: QueryDataVersionRequestHeader,
  handle(ctx, { header, command }) {
    const { clusterName, brokerAddr } = header;
    const asked =
      command.body === undefined || command.body.length === 0
        ? undefined
        : decodeDataVersion(parseBody(command.body, 'data version'), 'dataVersion');
    const changed = ctx.routes.isBrokerTopicConfigChanged(clusterName, brokerAddr, asked);
    ctx.routes.refreshLiveness(clusterName, brokerAddr);
    const registered = ctx.routes.brokerDataVersion(clusterName, brokerAddr);
    return ok(
      QueryDataVersionResponseHeader.encode({ changed }),
      registered === undefined ? undefined : Buffer.from(JSON.stringify(dataVersionToJson(registered)), 'utf8'),
    );
  },
});
