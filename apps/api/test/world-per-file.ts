// The usual life of a test file's world, in one call instead of the same hooks in every file: started (with an
// admin token) before the file's tests, sandbox faults cleared and deferred work drained after each test, stopped
// after all. A file of its own: harness.ts is also loaded by the bench, outside Vitest.
import { afterAll, afterEach, beforeAll } from 'vitest';
import { adminToken, startWorld, type World, type WorldOptions } from './harness';

export interface FileWorld {
  /** Set before the first test: read it inside tests and hooks, never at import time. */
  world: World;
  admin: string;
}

export function worldPerFile(options: WorldOptions = {}): FileWorld {
  const suite = {} as FileWorld;
  beforeAll(async () => {
    suite.world = await startWorld(options);
    suite.admin = await adminToken(suite.world);
  });
  afterAll(async () => suite.world?.stop());
  afterEach(async () => {
    await suite.world.sandbox.control.clearFaults();
    await suite.world.api.instance.services.drain();
  });
  return suite;
}
