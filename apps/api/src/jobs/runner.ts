// Runs the background jobs on an interval. Every job claims its work item by item in the database, so the
// runner can run on every instance at once; nothing is coordinated in memory.
import type { Services } from '../context';
import { runOrderExpiry } from './order-expiry';
import { runPaymentSync } from './payment-sync';
import { runReconciliationJob } from './reconciliation';
import { runRefundSync } from './refund-sync';
import { runReservationSweeper } from './reservation-sweeper';
import { runShippingUpload } from './shipping-upload';

export interface Job {
  name: string;
  everyMs: number;
  run(s: Services, now: Date): Promise<number>;
}

export const JOBS: Job[] = [
  { name: 'order-expiry', everyMs: 5_000, run: runOrderExpiry },
  { name: 'payment-sync', everyMs: 10_000, run: runPaymentSync },
  { name: 'refund-sync', everyMs: 15_000, run: runRefundSync },
  { name: 'reservation-sweeper', everyMs: 30_000, run: runReservationSweeper },
  { name: 'shipping-upload', everyMs: 15_000, run: runShippingUpload },
  // Cheap when there is nothing to do (one query); the bill of yesterday is picked up soon after 10:00 Beijing.
  { name: 'reconciliation', everyMs: 5 * 60_000, run: runReconciliationJob },
];

export interface JobRunner {
  /** Runs every job once, in order (what tests and `pnpm dev` use to make things happen now). */
  runAll(now?: Date): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export function startJobs(s: Services, jobs: Job[] = JOBS): JobRunner {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    const tick = () => {
      if (stopped) return;
      const work = job
        .run(s, new Date())
        .catch((err: unknown) => s.logger.error({ err, job: job.name }, 'job failed'))
        .finally(() => {
          running.delete(work);
          if (!stopped) timers.push(setTimeout(tick, job.everyMs));
        });
      running.add(work);
    };
    // Spread the first runs so that instances started together do not tick in lockstep.
    timers.push(setTimeout(tick, Math.floor(Math.random() * job.everyMs)));
  }
  return {
    async runAll(now = new Date()) {
      const out: Record<string, number> = {};
      for (const job of jobs) out[job.name] = await job.run(s, now);
      return out;
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}

/** Runs every job once without timers: for tests and scripts. */
export async function runJobsOnce(s: Services, now = new Date(), jobs: Job[] = JOBS): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const job of jobs) out[job.name] = await job.run(s, now);
  return out;
}
