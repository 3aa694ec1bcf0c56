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
  stop(): Promise<void>;
}

export function startJobs(s: Services, jobs: Job[] = JOBS): JobRunner {
  // One pending timer per job: replaced on every tick, so a long-running process keeps no old handles.
  const timers = new Map<string, NodeJS.Timeout>();
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
          if (!stopped) timers.set(job.name, setTimeout(tick, job.everyMs));
        });
      running.add(work);
    };
    // Spread the first runs so that instances started together do not tick in lockstep.
    timers.set(job.name, setTimeout(tick, Math.floor(Math.random() * job.everyMs)));
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
