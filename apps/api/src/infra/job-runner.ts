// Runs the background jobs on an interval. Every job claims its work item by item in the database, so the
// runner can run on every instance at once; nothing is coordinated in memory.
import type { Services } from '../context';

export interface Job {
  name: string;
  everyMs: number;
  run(s: Services, now: Date): Promise<number>;
}

export interface JobRunner {
  stop(): Promise<void>;
}

export function startJobs(s: Services, jobs: readonly Job[]): JobRunner {
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
