// The daily reconciliation: after 10:00 Beijing time, yesterday's bill; and every date missed since the last
// reconciled one (at most three months back, as long as WeChat keeps bills), plus dates whose last run failed
// (after a backoff) or ran before the bill was final. A fresh install starts with yesterday only. Safe on every
// instance: each date runs under its own lease, and a date another instance holds is skipped.
import type { Services } from '../../context';
import { billDueAt, latestDueDate, LOOKBACK_DAYS } from './dates';
import type { ReconciliationDoc } from './model';
import { reconcileDate } from './reconcile-date';
import { addDays, beijingDate } from '@xiaodian/shared';

/** Dates per tick: a long catch-up spreads over several ticks rather than holding one for long. */
const DATES_PER_TICK = 5;

type Known = Pick<ReconciliationDoc, 'date' | 'status' | 'provisional' | 'nextAttemptAt'>;

/** The dates the daily job should reconcile at `now`, newest first, given what was reconciled before. */
export function pickDatesToReconcile(known: readonly Known[], now: Date): string[] {
  const newest = latestDueDate(now);
  const oldest = addDays(beijingDate(now), -LOOKBACK_DAYS);
  const inWindow = known.filter((r) => r.date >= oldest && r.date <= newest);
  const byDate = new Map(inWindow.map((r) => [r.date, r]));
  const complete = (r: Known | undefined) => r?.status === 'DONE' && !r.provisional;
  const waiting = (r: Known | undefined) => Boolean(r?.nextAttemptAt && r.nextAttemptAt > now);
  // Possibly older than the window: then the whole window is caught up.
  const lastComplete = known
    .filter((r) => complete(r) && r.date <= newest)
    .reduce<string | undefined>((max, r) => (!max || r.date > max ? r.date : max), undefined);

  const due = new Set<string>();
  // The gap since the last complete date; a fresh install starts with yesterday only (once its bill is ready).
  const yesterday = addDays(beijingDate(now), -1);
  for (let date = newest; date >= oldest && (lastComplete ? date > lastComplete : date === yesterday); date = addDays(date, -1)) {
    const r = byDate.get(date);
    if (!complete(r) && !waiting(r)) due.add(date);
  }
  // Older dates that failed or were only provisional, once their backoff is over.
  for (const r of inWindow) if (!complete(r) && !waiting(r) && billDueAt(r.date) <= now) due.add(r.date);
  return [...due].sort().reverse();
}

export async function datesToReconcile(s: Services, now: Date): Promise<string[]> {
  const fields = { date: 1, status: 1, provisional: 1, nextAttemptAt: 1 };
  const { Reconciliation } = s.models;
  const [inWindow, lastComplete] = await Promise.all([
    Reconciliation.find({ date: { $gte: addDays(beijingDate(now), -LOOKBACK_DAYS) } }, fields).lean<Known[]>(),
    Reconciliation.findOne({ status: 'DONE', provisional: { $ne: true }, date: { $lte: latestDueDate(now) } }, fields).sort({ date: -1 }).lean<Known>(),
  ]);
  return pickDatesToReconcile(lastComplete ? [...inWindow, lastComplete] : inWindow, now);
}

export async function runReconciliationJob(s: Services, now = new Date()): Promise<number> {
  let ran = 0;
  for (const date of (await datesToReconcile(s, now)).slice(0, DATES_PER_TICK)) {
    try {
      const done = await reconcileDate(s, date, { trigger: 'job', wait: false, now });
      if (done) ran++;
    } catch (err) {
      // Recorded with the date (status FAILED, next attempt after a backoff); the next dates still run.
      s.logger.warn({ billDate: date, err: (err as Error).message }, 'daily reconciliation of a date failed');
    }
  }
  return ran;
}
