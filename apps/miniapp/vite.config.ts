// The uni-app build. `uni` (H5 dev server, builds) and `uni -p mp-weixin` both load this file.
import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { defineConfig, loadEnv, type Plugin, type Rollup } from 'vite';

type GetModuleInfo = Rollup.GetModuleInfo;
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

const SOURCE_ROOT = `${resolve(__dirname, 'src').split(sep).join('/')}/`;

/** The subpackage roots of pages.json ("pages/after-sale/", …); a regex, as pages.json carries `#ifdef` comments. */
function subPackageRoots(): string[] {
  const text = readFileSync(join(SOURCE_ROOT, 'pages.json'), 'utf8');
  return [...text.matchAll(/"root"\s*:\s*"([^"]+)"/g)].map((m) => m[1]!.replace(/\/?$/, '/'));
}

/**
 * uni-app writes every module of src/ at its own path, so a store or helper that only a subpackage uses still
 * lands in the main package, which WeChat's code-quality check flags (CONTAINS_OTHER_PKG_JS) and which costs
 * main-package bytes. This puts such a module into `<root>common/` of the one subpackage whose .vue files
 * reach it; anything the main package reaches stays where uni puts it.
 */
function subPackageOnlyModules(): Plugin {
  const roots = subPackageRoots();
  return {
    name: 'xiaodian:subpackage-only-modules',
    config(config) {
      const output = config.build?.rollupOptions?.output;
      if (!roots.length || !output || Array.isArray(output) || typeof output.manualChunks !== 'function') return;
      const inner = output.manualChunks;
      const owners = new Map<string, Set<string>>();
      /** The subpackage roots (or 'main') of the .vue files and entries that statically import `id`. */
      function ownersOf(id: string, getModuleInfo: GetModuleInfo, stack: string[] = []): Set<string> {
        const known = owners.get(id);
        if (known) return known;
        const found = new Set<string>();
        const file = id.split('?')[0]!;
        const info = getModuleInfo(id);
        const rel = file.startsWith(SOURCE_ROOT) ? file.slice(SOURCE_ROOT.length) : undefined;
        if (!info || info.isEntry || !rel || stack.includes(id) || (/\.vue$/.test(file) && stack.length)) {
          found.add(rel ? (roots.find((root) => rel.startsWith(root)) ?? 'main') : 'main');
        } else {
          for (const importer of info.importers) for (const o of ownersOf(importer, getModuleInfo, [...stack, id])) found.add(o);
          if (!info.importers.length) found.add('main');
        }
        if (!stack.length || !/\.vue$/.test(file)) owners.set(id, found);
        return found;
      }
      return {
        build: {
          rollupOptions: {
            output: {
              manualChunks(id, meta) {
                const file = id.split('?')[0]!;
                if (file.startsWith(SOURCE_ROOT) && /\.(ts|js)$/.test(file) && !roots.some((r) => file.startsWith(SOURCE_ROOT + r))) {
                  const found = ownersOf(id, meta.getModuleInfo);
                  const only = found.size === 1 ? [...found][0]! : 'main';
                  if (only !== 'main') return `${only}common/${file.slice(SOURCE_ROOT.length).replace(/\.(ts|js)$/, '')}`;
                }
                return inner.call(this, id, meta);
              },
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
    plugins: [uni(), quietZodAnnotations(), subPackageOnlyModules()],
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
