// RequestCode.GET_BROKER_CONFIG (26): the answer's header carries the config's DataVersion as JSON
// ({"counter":1,"stateVersion":0,"timestamp":...}); the body is the config as properties text.
import { header, str, type Infer } from './define.js';

export const GetBrokerConfigResponseHeader = header({ version: str() });
export type GetBrokerConfigResponseHeader = Infer<typeof GetBrokerConfigResponseHeader>;
