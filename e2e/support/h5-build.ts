// The real uni-app H5 build, made for the browser tests and reused while its inputs are unchanged.
//
// It is built with VITE_SANDBOX_URL=/ : the page then reaches the sandbox's cashier on its own origin, through
// the preview server's /__sandbox forwarding, so one build serves any sandbox port (each test stack starts
// its sandbox on a random one).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { h5BuildDir, miniappRoot, repoRoot, sharedRoot } from './paths';

/** Build-time configuration baked into the bundle (see apps/miniapp/README.md, "Configuration"). */
const BUILD_ENV = { VITE_SANDBOX_URL: '/', VITE_API_BASE: '' } as const;
const STAMP = '.xd-e2e-inputs';
const VITEST_ENV = ['TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL'];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A hash of everything the bundle is made from: the app's sources and config, shared's sources, the lockfile. */
export function h5InputsHash(): string {
  const files = [
    ...filesUnder(join(miniappRoot, 'src')),
    ...['index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'].map((f) => join(miniappRoot, f)),
    ...filesUnder(join(sharedRoot, 'src')),
    join(repoRoot, 'pnpm-lock.yaml'),
  ]
    .filter((f) => existsSync(f) && !/\.test\.ts$/.test(f))
    .sort();
  const hash = createHash('sha256').update(JSON.stringify(BUILD_ENV));
  for (const file of files) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

/**
 * Returns the folder of an up-to-date H5 build, running `uni build` (about 10 s) only when the sources
 * changed since the last one. `XD_E2E_REBUILD=1` forces a build.
 */
export function ensureH5Build(): string {
  const inputs = h5InputsHash();
  const stamp = join(h5BuildDir, STAMP);
  // XD_E2E_REBUILD forces one build per run: the global setup's, which the test processes inherit as built.
  const force = process.env.XD_E2E_REBUILD === '1' && process.env.XD_E2E_REBUILT !== '1';
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) return h5BuildDir;

  // Built beside the final folder (one per process: two runs in one checkout must not share it) and moved
  // into place, so a failed build never leaves a half one behind.
  const tmp = `${h5BuildDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, ...BUILD_ENV, CI: '1', NODE_ENV: 'production', UNI_OUTPUT_DIR: tmp };
  // Vitest's own variables (and those its Vite puts in a test process) are not the build's.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || VITEST_ENV.includes(key)) delete env[key];
  const uniBin = createRequire(join(miniappRoot, 'package.json')).resolve('@dcloudio/vite-plugin-uni/bin/uni.js');
  const started = Date.now();
  const res = spawnSync(process.execPath, [uniBin, 'build'], { cwd: miniappRoot, env, encoding: 'utf8' });
  if (res.status !== 0 || !existsSync(join(tmp, 'index.html'))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`uni build (h5) failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
  writeFileSync(join(tmp, STAMP), inputs);
  rmSync(h5BuildDir, { recursive: true, force: true });
  renameSync(tmp, h5BuildDir);
  process.env.XD_E2E_REBUILT = '1';
  console.log(`[e2e] H5 build: ${((Date.now() - started) / 1000).toFixed(1)} s → ${relative(repoRoot, h5BuildDir)}`);
  return h5BuildDir;
}
