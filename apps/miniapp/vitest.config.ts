// Vitest has its own config: the uni() plugin of vite.config.ts does not work under Vitest. Unit tests run
// the mp-weixin variant of the code (uni's conditional compilation, see test/uni-preprocess.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { uniConditionalCompilation } from './test/uni-preprocess';

export default defineConfig({
  plugins: [uniConditionalCompilation('mp-weixin')],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test/setup.ts'],
    // The build tests run `uni build` once per file; two cores are shared, so give them room.
    testTimeout: 20_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
