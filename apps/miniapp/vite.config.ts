// The uni-app build. `uni` (H5 dev server, builds) and `uni -p mp-weixin` both load this file.
import { defineConfig, loadEnv, type Plugin } from 'vite';
import uniPlugin from '@dcloudio/vite-plugin-uni';

// vite-plugin-uni is CommonJS; loaded from an ESM config its default export arrives wrapped.
const uni = ((uniPlugin as unknown as { default?: typeof uniPlugin }).default ?? uniPlugin) as typeof uniPlugin;

// @xiaodian/shared's sources, whether reached through the workspace link or by their real path.
const SHARED_SOURCE = /(@xiaodian|packages)[\\/]shared[\\/]src[\\/]/;

/**
 * zod's sources carry `@__PURE__` comments Rollup cannot place; it warns about each, although the code is
 * dropped anyway. uni() installs its own onwarn, so this wraps whatever onwarn the config has by then.
 */
function quietZodAnnotations(): Plugin {
  return {
    name: 'xiaodian:quiet-zod-annotations',
    config(config) {
      const inner = config.build?.rollupOptions?.onwarn;
      return {
        build: {
          rollupOptions: {
            onwarn(warning, warn) {
              if (warning.code === 'INVALID_ANNOTATION' && /[\\/]zod[\\/]/.test(warning.id ?? '')) return;
              if (inner) inner(warning, warn);
              else warn(warning);
            },
          },
        },
      };
    },
  };
}

export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, process.cwd(), ['VITE_', 'XD_']), ...process.env };
  const apiTarget = env.XD_API_URL || 'http://127.0.0.1:3000';
  const sandboxTarget = env.VITE_SANDBOX_URL || 'http://127.0.0.1:3100';
  // H5 development is same-origin: the page calls /api (and the sandbox's /__sandbox JSON calls) and the
  // dev server forwards them.
  const proxy = {
    '/api': { target: apiTarget, changeOrigin: true },
    '/__sandbox': { target: sandboxTarget, changeOrigin: true },
  };
  return {
    plugins: [uni(), quietZodAnnotations()],
    build: {
      rollupOptions: {
        // @xiaodian/shared is pure (schemas, enums, helpers) but does not say so in its package.json; declaring it
        // here lets the bundle drop the zod schemas the client never uses (types only), ~100 kB of mp-weixin.
        treeshake: { moduleSideEffects: (id: string) => !SHARED_SOURCE.test(id) },
      },
    },
    server: {
      host: '127.0.0.1',
      port: Number(env.XD_H5_PORT || 5173),
      proxy,
    },
    preview: {
      host: '127.0.0.1',
      port: Number(env.XD_H5_PORT || 4173),
      proxy,
    },
  };
});
