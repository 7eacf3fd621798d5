/** time/: clocks. */
export * from './clock.js';
