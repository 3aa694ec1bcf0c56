// uni-app's conditional compilation (`// #ifdef MP-WEIXIN` …) for Vitest, done by the same preprocessor the
// uni build uses, so unit tests run the code one platform's build really contains. (Loading the whole uni()
// plugin in Vitest breaks it; this is the one piece the tests need.)
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
const { preprocess } = require('@dcloudio/uni-cli-shared/lib/preprocess') as {
  preprocess(source: string, context: Record<string, boolean>, options: { type: 'js' }): string;
};

export type TestPlatform = 'mp-weixin' | 'h5';

const CONTEXTS: Record<TestPlatform, Record<string, boolean>> = {
  'mp-weixin': { MP_WEIXIN: true, MP: true, VUE3: true },
  h5: { H5: true, WEB: true, VUE3: true },
};

export function uniConditionalCompilation(platform: TestPlatform): Plugin {
  const context = CONTEXTS[platform];
  return {
    name: 'xiaodian:uni-conditional-compilation',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]src[\\/].*\.ts$/.test(id) || !/#ifn?def/.test(code)) return null;
      return { code: preprocess(code, context, { type: 'js' }), map: null };
    },
  };
}
