// Bundles the API for `pnpm start`: our workspace packages are TypeScript source, so they are bundled in;
// npm dependencies stay external and load from node_modules.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !name.startsWith('@xiaodian/'));
// The embedded database (development without MONGODB_URI) becomes its own chunk, loaded only when used.
external.push('@push.rocks/smartmongo', 'mongodb-memory-server-core', 'mongodb', 'bson');
// Development's readable logs (a devDependency, never loaded in production).
external.push('pino-pretty');

await build({
  entryPoints: ['src/server.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  external,
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
console.log('built dist/server.js');
