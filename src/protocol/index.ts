/** protocol/: pure codecs of RocketMQ's remoting protocol. No I/O. */
export * from './request-code.js';
export * from './response-code.js';
export * from './language-code.js';
export * from './errors.js';
export * from './command.js';
export * from './binary-header.js';
export * from './frame.js';
export * from './header/index.js';
export * from './body/index.js';
