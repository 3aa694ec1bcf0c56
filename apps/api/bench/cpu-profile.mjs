// Loaded with `--import` into each server process of a profiled bench run (XD_BENCH_CPU_PROF=<folder>): Node
// refuses `--cpu-prof` in NODE_OPTIONS, so this starts V8's profiler through the inspector and writes
// `<name>-<pid>.cpuprofile` into the folder when the process exits (open it in Chrome DevTools or speedscope).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.XD_BENCH_CPU_PROF_DIR;
const name = process.env.XD_BENCH_CPU_PROF_NAME ?? 'process';
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  // A session in the same thread answers synchronously, so the profile is written even from the exit handler.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(join(dir, `${name}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
