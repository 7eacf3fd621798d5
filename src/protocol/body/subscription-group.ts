/**
 * subscription-group.ts: SubscriptionGroupConfig (SubscriptionGroupConfig.java), kept by the
 * broker in subscriptionGroup.json and the body of UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200).
 */
import { asBoolean, asInteger, asObject, asString, asStringMap, optional } from './shape.js';

export interface SubscriptionGroupConfig {
  readonly groupName: string;
  readonly consumeEnable: boolean;
  readonly consumeFromMinEnable: boolean;
  readonly consumeBroadcastEnable: boolean;
  readonly consumeMessageOrderly: boolean;
  readonly retryQueueNums: number;
  readonly retryMaxTimes: number;
  readonly brokerId: number;
  readonly whichBrokerWhenConsumeSlowly: number;
  readonly notifyConsumerIdsChangedEnable: boolean;
  readonly groupSysFlag: number;
  readonly consumeTimeoutMinute: number;
  readonly attributes: Readonly<Record<string, string>>;
}

/** Java's defaults for a new group. */
export function newSubscriptionGroupConfig(groupName: string, overrides: Partial<SubscriptionGroupConfig> = {}): SubscriptionGroupConfig {
  return {
    groupName,
    consumeEnable: true,
    consumeFromMinEnable: true,
    consumeBroadcastEnable: true,
    consumeMessageOrderly: false,
    retryQueueNums: 1,
    retryMaxTimes: 16,
    brokerId: 0,
    whichBrokerWhenConsumeSlowly: 1,
    notifyConsumerIdsChangedEnable: true,
    groupSysFlag: 0,
    consumeTimeoutMinute: 15,
    attributes: {},
    ...overrides,
  };
}

export function decodeSubscriptionGroupConfig(value: unknown, path: string): SubscriptionGroupConfig {
  const object = asObject(value, path);
  const defaults = newSubscriptionGroupConfig(asString(object['groupName'], `${path}.groupName`));
  const bool = (name: keyof SubscriptionGroupConfig & string): boolean =>
    optional(object[name], defaults[name] as boolean, (v) => asBoolean(v, `${path}.${name}`));
  const int = (name: keyof SubscriptionGroupConfig & string): number =>
    optional(object[name], defaults[name] as number, (v) => asInteger(v, `${path}.${name}`));
  return {
    groupName: defaults.groupName,
    consumeEnable: bool('consumeEnable'),
    consumeFromMinEnable: bool('consumeFromMinEnable'),
    consumeBroadcastEnable: bool('consumeBroadcastEnable'),
    consumeMessageOrderly: bool('consumeMessageOrderly'),
    retryQueueNums: int('retryQueueNums'),
    retryMaxTimes: int('retryMaxTimes'),
    brokerId: int('brokerId'),
    whichBrokerWhenConsumeSlowly: int('whichBrokerWhenConsumeSlowly'),
    notifyConsumerIdsChangedEnable: bool('notifyConsumerIdsChangedEnable'),
    groupSysFlag: int('groupSysFlag'),
    consumeTimeoutMinute: int('consumeTimeoutMinute'),
    attributes: optional(object['attributes'], {}, (v) => asStringMap(v, `${path}.attributes`)),
  };
}

/** JSON object of a SubscriptionGroupConfig, keys in fastjson's (alphabetical) order. */
export function subscriptionGroupConfigToJson(config: SubscriptionGroupConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
