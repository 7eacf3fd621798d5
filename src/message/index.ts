/** message/: the message model shared by the wire, the store and the clients. Pure: no I/O. */
export * from './message-const.js';
export * from './properties.js';
export * from './tag.js';
export * from './long.js';
export * from './socket-address.js';
export * from './record.js';
export * from './message-id.js';
export * from './batch.js';
export * from './topic.js';
