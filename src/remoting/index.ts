/** remoting/: RocketMQ remoting over TCP. The only importer of node:net. */
export * from './errors.js';
export * from './connection.js';
export * from './server.js';
export * from './client.js';
export * from './dispatcher.js';
