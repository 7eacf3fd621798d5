/** table.ts: every request code the name server answers, one handler each. Others get code 3. */
import type { Handler } from '../../remoting/index.js';
import { addWritePermOfBroker } from './add-write-perm-of-broker.js';
import { brokerHeartbeat } from './broker-heartbeat.js';
import type { NamesrvContext } from './context.js';
import { deleteKVConfig } from './delete-kv-config.js';
import { deleteTopicInNamesrv } from './delete-topic-in-namesrv.js';
import { getAllTopicList } from './get-all-topic-list.js';
import { getBrokerClusterInfo } from './get-broker-cluster-info.js';
import { getKVConfig } from './get-kv-config.js';
import { getKVListByNamespace } from './get-kv-list-by-namespace.js';
import { getNamesrvConfig } from './get-namesrv-config.js';
import { getRouteInfoByTopic } from './get-route-info-by-topic.js';
import { getSystemTopicList } from './get-system-topic-list.js';
import { getTopicsByCluster } from './get-topics-by-cluster.js';
import { putKVConfig } from './put-kv-config.js';
import { queryDataVersion } from './query-data-version.js';
import { registerBroker } from './register-broker.js';
import { registerTopicInNamesrv } from './register-topic-in-namesrv.js';
import { unregisterBroker } from './unregister-broker.js';
import { updateNamesrvConfig } from './update-namesrv-config.js';
import { wipeWritePermOfBroker } from './wipe-write-perm-of-broker.js';

export type { NamesrvContext } from './context.js';

export const namesrvHandlers: readonly Handler<NamesrvContext>[] = [
  putKVConfig, // 100
  getKVConfig, // 101
  deleteKVConfig, // 102
  registerBroker, // 103
  unregisterBroker, // 104
  getRouteInfoByTopic, // 105
  getBrokerClusterInfo, // 106
  wipeWritePermOfBroker, // 205
  getAllTopicList, // 206
  deleteTopicInNamesrv, // 216
  registerTopicInNamesrv, // 217
  getKVListByNamespace, // 219
  getTopicsByCluster, // 224
  getSystemTopicList, // 304
  updateNamesrvConfig, // 318
  getNamesrvConfig, // 319
  queryDataVersion, // 322
  addWritePermOfBroker, // 327
  brokerHeartbeat, // 904
];
