// RequestCode.REGISTER_BROKER (103), UNREGISTER_BROKER (104) and QUERY_DATA_VERSION (322).
import { bool, header, int, long, str, type Infer } from './define.js';

/** bodyCrc32 is Java's CRC32 & 0x7FFFFFFF of the body; 0 means "do not check". */
export const RegisterBrokerRequestHeader = header({
  brokerName: str(),
  brokerAddr: str(),
  clusterName: str(),
  haServerAddr: str(),
  brokerId: long(),
  heartbeatTimeoutMillis: long.optional(),
  enableActingMaster: bool.optional(),
  compressed: bool.optional(),
  bodyCrc32: int.optional(),
});
export type RegisterBrokerRequestHeader = Infer<typeof RegisterBrokerRequestHeader>;

export const RegisterBrokerResponseHeader = header({
  haServerAddr: str.optional(),
  masterAddr: str.optional(),
});
export type RegisterBrokerResponseHeader = Infer<typeof RegisterBrokerResponseHeader>;

export const UnRegisterBrokerRequestHeader = header({
  brokerName: str(),
  brokerAddr: str(),
  clusterName: str(),
  brokerId: long(),
});
export type UnRegisterBrokerRequestHeader = Infer<typeof UnRegisterBrokerRequestHeader>;

export const QueryDataVersionRequestHeader = header({
  brokerName: str(),
  brokerAddr: str(),
  clusterName: str(),
  brokerId: long(),
});
export type QueryDataVersionRequestHeader = Infer<typeof QueryDataVersionRequestHeader>;

export const QueryDataVersionResponseHeader = header({ changed: bool() });
