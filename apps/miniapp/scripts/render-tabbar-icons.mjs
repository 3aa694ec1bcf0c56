// Renders the tab bar's icons (icons/tabbar/*.svg, the sources) to the PNGs WeChat's tabBar needs
// (src/static/tabbar/*.png: local files, no SVG, no network images, ≤ 40 KB, 81 × 81 px as WeChat recommends).
// Offline, in Debian's Chromium through the e2e package's playwright-core, as the browser tests run it:
//   node apps/miniapp/scripts/render-tabbar-icons.mjs        (CHROMIUM_PATH overrides /usr/bin/chromium)
// Run it after editing an SVG and commit both; the mp-weixin test checks the PNGs the build carries.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 81;
const appRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(appRoot, 'icons/tabbar');
const outDir = join(appRoot, 'src/static/tabbar');
// playwright-core is the e2e package's dependency; the app itself does not need it.
const { chromium } = createRequire(join(appRoot, '../../e2e/package.json'))('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  headless: true,
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  mkdirSync(outDir, { recursive: true });
  for (const name of readdirSync(sourceDir).filter((f) => f.endsWith('.svg')).sort()) {
    const svg = readFileSync(join(sourceDir, name), 'utf8');
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
    const path = join(outDir, name.replace(/\.svg$/, '.png'));
    // omitBackground: a transparent icon on whatever colour the tab bar has.
    await page.screenshot({ path, omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
    console.log(`${path} (${statSync(path).size} bytes)`);
  }
} finally {
  await browser.close();
}
