/**
 * disk-usage.ts: how full the disk holding a store folder is, as RocketMQ measures it
 * (UtilAll.getDiskPartitionSpaceUsedPercent): used / (used + available to us), rounded up to a
 * whole percent, as a fraction 0..1; -1 when it cannot be read. Tests pass their own probe.
 * Must not: throw, or use a synchronous call.
 */
import { statfs } from 'node:fs/promises';

/** The used fraction (0..1) of the disk holding `path`, or -1 when unknown. */
export type DiskUsageProbe = (path: string) => Promise<number>;

export const statfsDiskUsage: DiskUsageProbe = async (path) => {
  try {
    const stats = await statfs(path);
    const used = (stats.blocks - stats.bfree) * stats.bsize;
    const entire = used + stats.bavail * stats.bsize;
    if (!(entire > 0)) return -1;
    return Math.ceil((used * 100) / entire) / 100;
  } catch {
    return -1; // A missing folder or an unsupported file system: no reading, no decision on it.
  }
};
