/**
 * subscription-group-wrapper.ts: the bodies that carry many SubscriptionGroupConfigs:
 * SubscriptionGroupWrapper (GET_ALL_SUBSCRIPTIONGROUP_CONFIG 201's answer, also subscriptionGroup.json:
 * subscriptionGroupTable by name, forbiddenTable, dataVersion) and SubscriptionGroupList
 * (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP_LIST 225's body: groupConfigList).
 */
import { parseBody } from './fastjson.js';
import { asArray, asObject, optional } from './shape.js';
import { decodeSubscriptionGroupConfig, subscriptionGroupConfigToJson, type SubscriptionGroupConfig } from './subscription-group.js';

/** The groups of a SubscriptionGroupWrapper, by name. Throws BodyError. */
export function decodeSubscriptionGroupWrapper(body: Buffer | undefined): Map<string, SubscriptionGroupConfig> {
  const root = asObject(parseBody(body, 'subscriptionGroupWrapper'), 'subscriptionGroupWrapper');
  const table = optional(root['subscriptionGroupTable'], {}, (v) => asObject(v, 'subscriptionGroupWrapper.subscriptionGroupTable'));
  return new Map(Object.entries(table).map(([name, value]) => [name, decodeSubscriptionGroupConfig(value, `subscriptionGroupTable.${name}`)]));
}

export function encodeSubscriptionGroupList(configs: readonly SubscriptionGroupConfig[]): Buffer {
  return Buffer.from(JSON.stringify({ groupConfigList: configs.map(subscriptionGroupConfigToJson) }));
}

/** Throws BodyError. */
export function decodeSubscriptionGroupList(body: Buffer | undefined): SubscriptionGroupConfig[] {
  const root = asObject(parseBody(body, 'subscriptionGroupList'), 'subscriptionGroupList');
  return optional(root['groupConfigList'], [], (v) =>
    asArray(v, 'subscriptionGroupList.groupConfigList').map((item, index) => decodeSubscriptionGroupConfig(item, `groupConfigList[${index}]`)),
  );
}

/** A SubscriptionGroupConfig body (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP 200, GET_SUBSCRIPTIONGROUP_CONFIG 352). */
export function encodeSubscriptionGroupConfig(config: SubscriptionGroupConfig): Buffer {
  return Buffer.from(JSON.stringify(subscriptionGroupConfigToJson(config)));
}

/** Throws BodyError. */
export function decodeSubscriptionGroupConfigBody(body: Buffer | undefined): SubscriptionGroupConfig {
  return decodeSubscriptionGroupConfig(parseBody(body, 'subscriptionGroupConfig'), 'subscriptionGroupConfig');
}
