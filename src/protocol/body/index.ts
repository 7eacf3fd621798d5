/** protocol/body/: JSON (and fastjson) request and response bodies. */
export * from './fastjson.js';
export * from './shape.js';
export * from './topic-config.js';
export * from './register-broker.js';
export * from './topic-route.js';
export * from './simple.js';
export * from './heartbeat.js';
export * from './subscription-group.js';
export * from './lock-batch.js';
export * from './delay-offset.js';
export * from './message-queue-map.js';
export * from './check-client.js';
export * from './group-list.js';
