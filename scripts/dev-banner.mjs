// `pnpm dev` (turbo's dev:banner task): waits until the API, the sandbox, the H5 dev server and the first
// mp-weixin build are up, then prints where everything is, once, in one block — the lines that matter are
// otherwise lost among four processes' logs. Exits 0 (also on Ctrl-C); the dev processes keep running.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const api = `http://127.0.0.1:${process.env.PORT || 3000}`;
const sandbox = `http://127.0.0.1:${process.env.SANDBOX_PORT || 3100}`;
const h5 = `http://127.0.0.1:${process.env.XD_H5_PORT || 5173}`;
const mpWeixin = join(root, 'apps/miniapp/dist/dev/mp-weixin');
const WAIT_MS = 5 * 60_000;
const startedAt = Date.now() - 5_000;

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));

const answers = async (url) => {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.status < 500;
  } catch {
    return false;
  }
};

const checks = {
  API: () => answers(`${api}/api/health`),
  sandbox: () => answers(`${sandbox}/__sandbox/`),
  'H5 dev server': () => answers(`${h5}/`),
  // Written by this run's build (not left over from an earlier one), and finished: nothing written for 3 s.
  'mp-weixin build': async () => {
    if (!existsSync(join(mpWeixin, 'app.json')) || statSync(join(mpWeixin, 'app.json')).mtimeMs < startedAt) return false;
    const newest = Math.max(...readdirSync(mpWeixin).map((name) => statSync(join(mpWeixin, name)).mtimeMs));
    return Date.now() - newest > 3_000;
  },
};

const deadline = Date.now() + WAIT_MS;
let waiting = Object.keys(checks);
while (waiting.length > 0) {
  const results = await Promise.all(waiting.map(async (name) => [name, await checks[name]()]));
  waiting = results.filter(([, up]) => !up).map(([name]) => name);
  if (waiting.length === 0) break;
  if (Date.now() > deadline) {
    console.log(`still not up after ${WAIT_MS / 60_000} minutes: ${waiting.join(', ')} (see their logs above)`);
    process.exit(0);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

const bar = '-'.repeat(64);
console.log(
  [
    '',
    bar,
    '  小店 Xiaodian is running',
    '',
    `  shop (H5)         ${h5}/`,
    `  admin console     ${h5}/pages/admin/login   (login admin / admin)`,
    `  API               ${api}/api/health`,
    `  WeChat sandbox    ${sandbox}/__sandbox/`,
    `  mini program      import ${mpWeixin} into WeChat DevTools`,
    '',
    '  Ctrl-C stops everything; data stays in .devdb/ (pnpm db:reset empties it)',
    bar,
    '',
  ].join('\n'),
);
