/**
 * context.ts: what name server handlers may use. Nothing else reaches them: no server, no
 * sockets, no timers. A handler reads the request, asks the route table or the KV config,
 * and answers; errors go back to the dispatcher.
 */
import type { Logger } from '../../log/index.js';
import type { Clock } from '../../time/index.js';
import type { NamesrvConfig } from '../config.js';
import type { KVConfig } from '../kv-config.js';
import type { NamesrvConfigStore } from '../config-store.js';
import type { RouteTable } from '../route-table.js';

export interface NamesrvContext {
  /** The configuration in force (UPDATE_NAMESRV_CONFIG may replace it between requests). */
  readonly config: NamesrvConfig;
  /** Where UPDATE_NAMESRV_CONFIG applies and persists changes. */
  readonly configStore: NamesrvConfigStore;
  readonly routes: RouteTable;
  readonly kv: KVConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** When the name server started (clock time), for needWaitForService. */
  readonly startedAtMs: number;
}
