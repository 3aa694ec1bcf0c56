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
    // When the next run is due: how late it actually starts is the job's lag (a blocked event loop, a slow run).
    let dueAt = 0;
    const schedule = (delayMs: number) => {
      dueAt = Date.now() + delayMs;
      timers.set(job.name, setTimeout(tick, delayMs));
    };
    const tick = () => {
      if (stopped) return;
      const at = new Date();
      const started = performance.now();
      let ok = true;
      const work = job
        .run(s, at)
        .catch((err: unknown) => {
          ok = false;
          s.logger.error({ err, job: job.name }, 'job failed');
        })
        .finally(() => {
          s.metrics.jobRun(job.name, { ok, seconds: (performance.now() - started) / 1000, lagSeconds: Math.max(0, at.getTime() - dueAt) / 1000, at: new Date() });
          running.delete(work);
          if (!stopped) schedule(job.everyMs);
        });
      running.add(work);
    };
    // Spread the first runs so that instances started together do not tick in lockstep.
    schedule(Math.floor(Math.random() * job.everyMs));
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.allSettled([...running]);
    },
  };
}
