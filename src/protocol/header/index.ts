/** protocol/header/: one declaration per request header (and its response header). */
export * from './define.js';
export * from './send-message.js';
export * from './pull-message.js';
export * from './consumer-offset.js';
export * from './queue-offset.js';
export * from './view-message.js';
export * from './client.js';
export * from './topic.js';
export * from './register-broker.js';
export * from './namesrv-topic.js';
export * from './kv-config.js';
export * from './write-perm.js';
export * from './broker-heartbeat.js';
export * from './register-topic.js';
export * from './consumer-send-msg-back.js';
export * from './resend-dead-letter.js';
export * from './query-message.js';
