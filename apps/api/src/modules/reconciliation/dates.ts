// Beijing calendar arithmetic for bills: WeChat's trade bill of a date holds the trades whose success_time
// falls on that Beijing day, and is ready from 10:00 Beijing time the next day.
import { addDays, beijingDate } from '@xiaodian/shared';

const DAY_MS = 24 * 3600_000;

/** WeChat keeps bills for three months; the daily job looks back at most this many days. */
export const LOOKBACK_DAYS = 89;

/** The instants `[start, end)` of a Beijing date. */
export function beijingDayRange(date: string): { start: Date; end: Date } {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return { start: new Date(start), end: new Date(start + DAY_MS) };
}

/** When WeChat's bill of `date` is final: 10:00 Beijing the next day. */
export function billDueAt(date: string): Date {
  return new Date(Date.parse(`${date}T10:00:00+08:00`) + DAY_MS);
}

/** The newest date whose bill is ready at `now`: yesterday after 10:00 Beijing, the day before until then. */
export function latestDueDate(now: Date): string {
  const yesterday = addDays(beijingDate(now), -1);
  return billDueAt(yesterday) <= now ? yesterday : addDays(yesterday, -1);
}

/** Whether `date` is a real calendar date that WeChat can still have a bill for (not future, within 3 months). */
export function billDateProblem(date: string, now: Date): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || addDays(date, 0) !== date) return 'date must be a calendar date (YYYY-MM-DD)';
  const today = beijingDate(now);
  if (date > today) return 'date must not be in the future (Beijing time)';
  if (date < addDays(today, -(LOOKBACK_DAYS + 1))) return 'WeChat keeps bills for three months only';
  return undefined;
}
