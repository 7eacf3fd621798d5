/**
 * client-channel.ts: one client (producer or consumer instance) on one connection
 * (ClientChannelInfo.java). A client is known by its connection: when that closes, it is gone.
 */
import type { Connection } from '../../remoting/index.js';

export interface ClientChannel {
  readonly connection: Connection;
  readonly clientId: string;
  readonly language: string;
  readonly version: number;
  lastUpdateTimestamp: number;
}
