// Prints the main package size of the mp-weixin build (run after `pnpm build:mp-weixin`); fails over budget.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatKiB, inspectMpWeixin, MAIN_PACKAGE_BUDGET } from './build-output.mjs';

const outDir = fileURLToPath(new URL('../dist/build/mp-weixin', import.meta.url));
if (!existsSync(outDir)) {
  console.error(`no mp-weixin build at ${outDir}: run pnpm --filter @xiaodian/miniapp build:mp-weixin first`);
  process.exit(1);
}
const { mainBytes, totalBytes, pages } = inspectMpWeixin(outDir);
console.log(
  `mp-weixin main package: ${formatKiB(mainBytes)} of ${formatKiB(MAIN_PACKAGE_BUDGET)} budget ` +
    `(WeChat allows 2048 KiB); total ${formatKiB(totalBytes)}; ${pages.length} pages`,
);
if (mainBytes >= MAIN_PACKAGE_BUDGET) {
  console.error('mp-weixin main package over budget');
  process.exit(1);
}
