/**
 * message-pull.ts: the offsets the pulling tools (printMsg, printMsgByQueue, consumeMessage) read a
 * queue between: its min and max offsets, or the offsets of a store-time range found with
 * SEARCH_OFFSET_BY_TIMESTAMP. Times are ms or yyyy-MM-dd#HH:mm:ss:SSS (local time), as Java's
 * timestampFormat takes them.
 */
import type { MessageQueue, PullConsumer } from '../../client/index.js';
import { AdminError, type OptionValues } from '../command.js';
import { parseToolTimestamp } from './message-format.js';
import { clientCall } from './message.js';

export interface TimeRange {
  readonly begin?: number | undefined;
  readonly end?: number | undefined;
}

/** A time option (ms or yyyy-MM-dd#HH:mm:ss:SSS); undefined when absent. */
export function timeValue(values: OptionValues, long: string): number | undefined {
  const value = values[long];
  if (value === undefined) return undefined;
  const parsed = typeof value === 'string' ? parseToolTimestamp(value) : undefined;
  if (parsed === undefined) throw new AdminError(`option --${long}: "${String(value)}" is not ms or yyyy-MM-dd#HH:mm:ss:SSS`);
  return parsed;
}

export function timeRangeOf(values: OptionValues, begin: string, end: string): TimeRange {
  return { begin: timeValue(values, begin), end: timeValue(values, end) };
}

/** The offsets to read `queue` between: [min, max), narrowed by the time range. */
export async function queueRange(consumer: PullConsumer, queue: MessageQueue, range: TimeRange): Promise<{ minOffset: number; maxOffset: number }> {
  const what = `offsets of ${queue.toString()}`;
  let minOffset = await clientCall(what, () => consumer.minOffset(queue));
  let maxOffset = await clientCall(what, () => consumer.maxOffset(queue));
  const { begin, end } = range;
  if (begin !== undefined) minOffset = await clientCall(what, () => consumer.searchOffset(queue, begin));
  if (end !== undefined) maxOffset = await clientCall(what, () => consumer.searchOffset(queue, end));
  return { minOffset, maxOffset };
}
