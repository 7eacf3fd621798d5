/** log/: structured logging. */
export * from './logger.js';
