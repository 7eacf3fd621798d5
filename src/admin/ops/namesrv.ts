/**
 * ops/namesrv.ts: the name server requests of mqadmin (MQClientAPIImpl): KV config writes and
 * deletes go to every name server (PUT_KV_CONFIG 100, DELETE_KV_CONFIG 102), as Java sends
 * them, since name servers never share state; reads ask the first that answers (101); config
 * reads and updates (319, 318) go to each listed server.
 * Must not: print; commands do that.
 */
import {
  DeleteKVConfigRequestHeader,
  GetKVConfigRequestHeader,
  GetKVConfigResponseHeader,
  PutKVConfigRequestHeader,
  RequestCode,
  ResponseCode,
  decodePropertiesText,
  encodePropertiesText,
  type RemotingCommand,
} from '../../protocol/index.js';
import { AdminClient, type AdminRequest } from '../admin-client.js';
import { AdminError } from '../errors.js';

function namesrvAddrs(admin: AdminClient): readonly string[] {
  if (admin.namesrvAddrs.length === 0) throw new AdminError('no name server address: use -n host:9876 or set NAMESRV_ADDR');
  return admin.namesrvAddrs;
}

/** Sends `request` to the name server at `addr` (a failure to reach it names it as a name server). */
export async function atNamesrv(admin: AdminClient, addr: string, request: AdminRequest): Promise<RemotingCommand> {
  try {
    return await admin.broker(addr, request);
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    throw new AdminError(error.message.replace(/^broker /, 'name server '));
  }
}

/** Sends `request` to every name server; each must answer SUCCESS. */
async function toEveryNamesrv(admin: AdminClient, request: AdminRequest, what: string): Promise<void> {
  for (const addr of namesrvAddrs(admin)) AdminClient.ok(await atNamesrv(admin, addr, request), `${what} on name server ${addr}`);
}

export async function putKvConfig(admin: AdminClient, namespace: string, key: string, value: string): Promise<void> {
  const extFields = PutKVConfigRequestHeader.encode({ namespace, key, value });
  await toEveryNamesrv(admin, { code: RequestCode.PUT_KV_CONFIG, extFields }, `put kv config ${namespace}/${key}`);
}

export async function deleteKvConfig(admin: AdminClient, namespace: string, key: string): Promise<void> {
  const extFields = DeleteKVConfigRequestHeader.encode({ namespace, key });
  await toEveryNamesrv(admin, { code: RequestCode.DELETE_KV_CONFIG, extFields }, `delete kv config ${namespace}/${key}`);
}

/** GET_KV_CONFIG from the first name server that answers; undefined when it has no such key. */
export async function getKvConfig(admin: AdminClient, namespace: string, key: string): Promise<string | undefined> {
  const extFields = GetKVConfigRequestHeader.encode({ namespace, key });
  const response = await admin.namesrv({ code: RequestCode.GET_KV_CONFIG, extFields });
  if (response.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
  AdminClient.ok(response, `get kv config ${namespace}/${key}`);
  return GetKVConfigResponseHeader.decode(response.extFields ?? {}).value;
}

/** GET_NAMESRV_CONFIG (319) from each listed name server (every known one when none is listed). */
export async function getNamesrvConfigs(admin: AdminClient, servers: readonly string[] = namesrvAddrs(admin)): Promise<[string, [string, string][]][]> {
  const configs: [string, [string, string][]][] = [];
  for (const addr of servers) {
    const response = AdminClient.ok(await atNamesrv(admin, addr, { code: RequestCode.GET_NAMESRV_CONFIG }), `get config of name server ${addr}`);
    configs.push([addr, decodePropertiesText(response.body)]);
  }
  return configs;
}

/** UPDATE_NAMESRV_CONFIG (318) to each listed name server (every known one when none is listed). */
export async function updateNamesrvConfig(admin: AdminClient, properties: readonly (readonly [string, string])[], servers: readonly string[] = namesrvAddrs(admin)): Promise<void> {
  const body = encodePropertiesText(properties);
  for (const addr of servers) {
    AdminClient.ok(await atNamesrv(admin, addr, { code: RequestCode.UPDATE_NAMESRV_CONFIG, body }), `update config of name server ${addr}`);
  }
}
