// Vitest global setup: build the H5 once per run (or reuse a build of the same sources) before any test file
// starts its stack, so test files do not race to build it.
import { ensureH5Build } from './h5-build';

export default function setup(): void {
  ensureH5Build();
}
