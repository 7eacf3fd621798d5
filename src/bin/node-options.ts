/**
 * node-options.ts: the V8 options our broker launchers start node with (bin/mqbroker's shebang
 * and `npm start`), as RocketMQ's runbroker.sh gives the JVM its heap sizes (-Xms/-Xmx).
 *
 * --initial-old-space-size=64: V8 starts the old generation small and sizes its next limit from
 * what survived the last full collection. A broker keeps ~10 MiB of live JavaScript objects beside
 * ~120 MiB of buffers (staging buffers, read chunks, pull bodies), and with the default start V8
 * ran a full mark-compact every ~25 MiB of buffers allocated ("GC in old space requested"): 20-40
 * in a 200,000-message drain, most of the 16% of broker samples spent in GC. Starting at 64 MiB
 * leaves 1-2 (broker CPU per drained message 8.5-9.2 -> 6.6-7.1 µs, docs/benchmarks.md, sixth round).
 * Memory is only committed as it is used: idle RSS is unchanged (~70 MiB).
 *
 * A program that spawns a broker (benchmarks, tests) passes these to node; a test checks that
 * the launchers carry them.
 */
export const BROKER_NODE_OPTIONS: readonly string[] = ['--initial-old-space-size=64'];
