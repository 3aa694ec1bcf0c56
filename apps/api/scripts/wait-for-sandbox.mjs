// `pnpm dev` starts the sandbox and the API together; on the very first run the sandbox is still generating
// its keys, so the API waits for its api.env instead of failing to start.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

let root = resolve(process.cwd());
while (!existsSync(join(root, 'pnpm-workspace.yaml')) && dirname(root) !== root) root = dirname(root);
const file = join(process.env.SANDBOX_DATA_DIR ?? join(root, '.sandbox'), 'api.env');
const deadline = Date.now() + 60_000;
if (!existsSync(file)) console.log(`waiting for the WeChat sandbox to write ${file} …`);
while (!existsSync(file)) {
  if (Date.now() > deadline) {
    console.error(`no ${file} after 60 s: is the sandbox running (pnpm --filter @xiaodian/sandbox start)?`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 250));
}
