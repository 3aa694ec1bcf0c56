// The API's background jobs, run on demand: the test world starts its API with jobs off, so a test runs the
// one it waits for (the messages sender, say) when it wants, exactly as the job runner would.
import type { World } from '@xiaodian/api/testing';
import { JOBS } from '../../apps/api/src/jobs';

/** Runs the API's job `name` once on the world's first instance; resolves with how many items it handled. */
export async function runJob(world: World, name: string): Promise<number> {
  const job = JOBS.find((j) => j.name === name);
  if (!job) throw new Error(`no API job named ${name}`);
  return job.run(world.api.instance.services, new Date());
}
