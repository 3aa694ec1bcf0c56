// Facts about a mp-weixin build output: its pages and its main package size (what WeChat limits to 2 MB).
// Used by the build tests and by `pnpm size:mp-weixin` (which CI runs to print the size).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const MAIN_PACKAGE_BUDGET = 300 * 1024; // ours: 300 KB, images served by the API (WeChat allows 2 MB)

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** `{ pages, subpackageRoots, mainBytes, totalBytes, files }` of a mp-weixin output folder. */
export function inspectMpWeixin(outDir) {
  const app = JSON.parse(readFileSync(join(outDir, 'app.json'), 'utf8'));
  const subpackageRoots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((p) => p.root.replace(/\/?$/, '/'));
  let mainBytes = 0;
  let totalBytes = 0;
  const all = files(outDir).map((f) => relative(outDir, f).split(sep).join('/'));
  for (const f of all) {
    const size = statSync(join(outDir, f)).size;
    totalBytes += size;
    if (!subpackageRoots.some((root) => f.startsWith(root))) mainBytes += size;
  }
  return { pages: app.pages, subpackageRoots, mainBytes, totalBytes, files: all };
}

export function formatKiB(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
