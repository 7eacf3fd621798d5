/**
 * delete-when.ts: RocketMQ's deleteWhen: the hours of the day (local time) when expired CommitLog
 * files are deleted, "04" or several as "04;05" (UtilAll.isItTimeToDo). Pure.
 */

const HOURS_PER_DAY = 24;

/** The hours `text` names, or undefined when it is not one or more 0..23 separated by ';'. */
export function parseDeleteWhen(text: string): number[] | undefined {
  const hours: number[] = [];
  for (const part of text.split(';')) {
    const trimmed = part.trim();
    if (!/^\d{1,2}$/.test(trimmed)) return undefined;
    const hour = Number(trimmed);
    if (hour >= HOURS_PER_DAY) return undefined;
    hours.push(hour);
  }
  return hours;
}

/** Whether the local hour of `now` is one of `hours`. */
export function isTimeToDelete(hours: readonly number[], now: number): boolean {
  return hours.includes(new Date(now).getHours());
}
