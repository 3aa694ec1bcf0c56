// Where things are: the repository, the mini program's sources, and the folders this package owns.
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

export const e2eRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const repoRoot = resolve(e2eRoot, '..');
export const miniappRoot = join(repoRoot, 'apps/miniapp');
export const sharedRoot = join(repoRoot, 'packages/shared');

/** The H5 build the browser tests run against (git-ignored: every `dist/` is). */
export const h5BuildDir = join(e2eRoot, 'dist/h5');
/** Screenshots of every page the tests visit, overwritten on each run (see README). */
export const screenshotDir = join(e2eRoot, 'screenshots');
