/** config/: configuration schemas and Java .properties files. */
export * from './schema.js';
export * from './properties-file.js';
export * from './atomic-file.js';
export * from './coalesced-writer.js';
