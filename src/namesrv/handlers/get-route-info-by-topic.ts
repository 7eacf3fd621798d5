/**
 * RequestCode.GET_ROUTEINFO_BY_TOPIC (105), ClientRequestProcessor.java. The route is standard
 * JSON for clients from V4_9_4 (version 401) on or when acceptStandardJsonOnly, else fastjson's
 * form with unquoted broker-id keys. With orderMessageEnable, orderTopicConf comes from the
 * ORDER_TOPIC_CONFIG KV namespace. No route: TOPIC_NOT_EXIST with Java's remark.
 */
import {
  encodeTopicRouteData,
  GetRouteInfoRequestHeader,
  RequestCode,
  ResponseCode,
  ResponseCodeError,
  VERSION_STANDARD_JSON_MIN,
} from '../../protocol/index.js';
import { defineHandler, ok } from '../../remoting/index.js';
import { NAMESPACE_ORDER_TOPIC_CONFIG } from '../kv-config.js';
import type { NamesrvContext } from './context.js';

/** FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL). */
const APPLY_TOPIC_TIP = '\nSee https://rocketmq.apache.org/docs/bestPractice/06FAQ for further details.';

export const getRouteInfoByTopic = defineHandler<NamesrvContext, typeof GetRouteInfoRequestHeader.fields>({
  code: RequestCode.GET_ROUTEINFO_BY_TOPIC,
  header: GetRouteInfoRequestHeader,
  handle(ctx, { header, command }) {
    if (ctx.config.needWaitForService && ctx.clock.now() - ctx.startedAtMs < ctx.config.waitSecondsForService * 1000) {
      throw new ResponseCodeError(ResponseCode.SYSTEM_ERROR, 'name server not ready');
    }
    const route = ctx.routes.pickupTopicRoute(header.topic);
    if (route === undefined) {
      throw new ResponseCodeError(ResponseCode.TOPIC_NOT_EXIST, `No topic route info in name server for the topic: ${header.topic}${APPLY_TOPIC_TIP}`);
    }
    const orderTopicConf = ctx.config.orderMessageEnable ? ctx.kv.get(NAMESPACE_ORDER_TOPIC_CONFIG, header.topic) : undefined;
    const standardJson = command.version >= VERSION_STANDARD_JSON_MIN || header.acceptStandardJsonOnly === true;
    return ok(undefined, encodeTopicRouteData({ ...route, orderTopicConf }, standardJson));
  },
});
