// Runs the real uni CLI into a test folder (not dist/build, which a developer's build or watch may own).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const appRoot = resolve(__dirname, '..');
const require = createRequire(join(appRoot, 'package.json'));

/** Builds into dist/test/<folder> (the platform's name unless told, so two test files can build at once). */
export function uniBuild(platform: 'h5' | 'mp-weixin', folder: string = platform): string {
  const outDir = join(appRoot, 'dist/test', folder);
  rmSync(outDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, CI: '1', NODE_ENV: 'production', UNI_OUTPUT_DIR: outDir };
  // Vitest's own variables would make the child think it runs under Vitest.
  for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'TEST') delete env[key];
  const started = Date.now();
  const args = [require.resolve('@dcloudio/vite-plugin-uni/bin/uni.js'), 'build', ...(platform === 'h5' ? [] : ['-p', platform])];
  const res = spawnSync(process.execPath, args, { cwd: appRoot, env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`uni build (${platform}) failed:\n${res.stdout}\n${res.stderr}`);
  console.log(`${platform} test build: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}
