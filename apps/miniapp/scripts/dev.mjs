// `pnpm --filter @xiaodian/miniapp dev`: the H5 dev server (http://127.0.0.1:5173, /api proxied to the API)
// and the mp-weixin watch build (dist/dev/mp-weixin, for WeChat DevTools), side by side.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const uni = require.resolve('@dcloudio/vite-plugin-uni/bin/uni.js');
const cwd = fileURLToPath(new URL('..', import.meta.url));
// CI=1 stops the uni CLI from checking for updates over the network on every start.
const env = { ...process.env, CI: '1' };

const children = [
  ['h5', []],
  ['mp-weixin', ['-p', 'mp-weixin']],
].map(([name, args]) => {
  const child = spawn(process.execPath, [uni, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = '';
    stream.on('data', (chunk) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  return { name, child };
});

let stopping = false;
function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}

// Ctrl-C reaches the uni processes as well as this one (one process group), in either order: a child ended by
// SIGINT/SIGTERM (or exiting 130/143 on it) is a clean stop, not a failure for pnpm to report as ELIFECYCLE.
const stoppedBySignal = (code, signal) => signal === 'SIGINT' || signal === 'SIGTERM' || code === 130 || code === 143;
for (const { name, child } of children) {
  child.on('exit', (code, signal) => {
    if (stopping) return;
    if (stoppedBySignal(code, signal)) return stop(0);
    console.error(`[${name}] exited (${signal ?? code}); stopping the other one`);
    stop(code ?? 1);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
