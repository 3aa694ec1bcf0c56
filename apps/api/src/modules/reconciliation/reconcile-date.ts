// Reconciles one Beijing date: one instance at a time (a lease in the database), the bill fetched and kept,
// compared both ways and acted upon, the report stored (one per date). Running a date again is safe: it
// reports the same and acts never twice (see compare-bill.ts).
import { randomUUID } from 'node:crypto';
import { TradeBillFormatError, WechatPayBillHashMismatchError } from '@xiaodian/wechatpay';
import type { Services } from '../../context';
import { AppError, badRequest, toAppError } from '../../errors';
import { acquireLease, releaseLease } from '../../infra/lease';
import { compareBill } from './compare-bill';
import { billDateProblem, billDueAt } from './dates';
import { fetchTradeBill } from './fetch-bill';
import type { ReconciliationDoc } from './model';

/** Long enough for a big bill; renewed while rows are compared. */
const LEASE_MS = 5 * 60_000;
/** How long an admin's request waits for another instance that is reconciling the same date. */
const WAIT_FOR_OTHER_MS = 25_000;

export type Trigger = 'job' | 'admin';

/** Backoff of the daily job after a failed run: 15 min, 30 min, 1 h … at most 6 h. */
export function retryDelayMs(failures: number): number {
  return Math.min(15 * 60_000 * 2 ** Math.max(failures - 1, 0), 6 * 3600_000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs the reconciliation of `date` and returns the stored reconciliation. With `wait: false` (the job), a date
 * another instance is working on is skipped (undefined); an admin's request waits for it and then runs.
 */
export async function reconcileDate(
  s: Services,
  date: string,
  options: { trigger: Trigger; wait: boolean; now?: Date },
): Promise<ReconciliationDoc | undefined> {
  const now = options.now ?? new Date();
  const problem = billDateProblem(date, now);
  if (problem) throw badRequest(`date: ${problem}`);

  const lease = `reconcile:${date}`;
  const holder = `${s.instanceId}:${randomUUID()}`;
  const deadline = Date.now() + (options.wait ? WAIT_FOR_OTHER_MS : 0);
  while (!(await acquireLease(s.models, lease, holder, LEASE_MS))) {
    if (Date.now() >= deadline) {
      if (!options.wait) return undefined;
      throw new AppError('CONFLICT', { status: 409, message: `The reconciliation of ${date} is running on another instance; try again shortly` });
    }
    await sleep(250);
  }
  try {
    return await run(s, date, options.trigger, now, () => acquireLease(s.models, lease, holder, LEASE_MS).then(() => undefined));
  } finally {
    await releaseLease(s.models, lease, holder);
  }
}

async function run(s: Services, date: string, trigger: Trigger, now: Date, keepLease: () => Promise<void>): Promise<ReconciliationDoc> {
  const { Reconciliation } = s.models;
  const log = s.logger.child({ billDate: date, trigger });
  const provisional = now < billDueAt(date);
  try {
    const fetched = await fetchTradeBill(s, date);
    if (fetched.noStatement && provisional) {
      // Before 10:00 the next day "no statement" may only mean "not ready yet": nothing can be concluded.
      throw new AppError('BILL_NOT_READY', { status: 409, message: `WeChat's bill of ${date} is not ready yet (after 10:00 Beijing time the next day)` });
    }
    const rows = fetched.noStatement ? [] : fetched.bill.rows;
    const comparison = await compareBill(s, date, rows, { keepLease });
    const saved = await Reconciliation.findOneAndUpdate(
      { date },
      {
        $set: {
          status: 'DONE',
          reconciledAt: new Date(),
          billRows: comparison.billRows,
          matched: comparison.matched,
          discrepancies: comparison.discrepancies,
          totals: comparison.totals,
          noStatement: fetched.noStatement,
          provisional,
          refusedDownloads: fetched.refusedDownloads,
          trigger,
          failures: 0,
          lastRunAt: new Date(),
          ...(fetched.noStatement ? {} : { billSha1: fetched.sha1 }),
        },
        $unset: { lastError: 1, nextAttemptAt: 1, ...(fetched.noStatement ? { billSha1: 1 } : {}) },
        $inc: { runs: 1 },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean<ReconciliationDoc>();
    const counts = Object.fromEntries(['HEALED', 'REFUNDED', 'FLAGGED'].map((a) => [a, comparison.discrepancies.filter((d) => d.action === a).length]));
    log.info({ billRows: comparison.billRows, matched: comparison.matched, ...counts, provisional }, 'reconciliation done');
    return saved!;
  } catch (err) {
    const failure = describeFailure(err);
    // Nothing was looked at: no need to remember this run.
    if (failure.code === 'BILL_NOT_READY') throw failure;
    const previous = await Reconciliation.findOneAndUpdate(
      { date },
      {
        $set: { status: 'FAILED', lastError: failure.message, lastRunAt: new Date(), trigger },
        $inc: { runs: 1, failures: 1 },
      },
      { upsert: true, returnDocument: 'after' },
    ).lean<ReconciliationDoc>();
    await Reconciliation.updateOne({ date }, { $set: { nextAttemptAt: new Date(Date.now() + retryDelayMs(previous?.failures ?? 1)) } });
    log.warn({ err: failure.code === 'INTERNAL' ? err : failure.message }, 'reconciliation failed');
    throw failure;
  }
}

/** What went wrong, as the admin is told it (the same text is kept with the date). */
function describeFailure(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof WechatPayBillHashMismatchError) {
    return new AppError('BILL_HASH_MISMATCH', { status: 502, message: `Every bill downloaded had the wrong SHA1 (${err.message}); refused, will retry` });
  }
  if (err instanceof TradeBillFormatError) return new AppError('BILL_UNREADABLE', { status: 502, message: `WeChat's bill could not be read: ${err.message}` });
  const known = toAppError(err);
  // An unexpected failure keeps its details in the log: the stored text (shown in the console) says only that.
  return known.code === 'INTERNAL' ? new AppError('INTERNAL', { status: 500, message: 'Reconciliation failed unexpectedly; the API log has the details', cause: err }) : known;
}
