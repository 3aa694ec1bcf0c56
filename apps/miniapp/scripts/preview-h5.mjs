// Serves the H5 build (dist/build/h5) as it would be deployed: static files, history-mode fallback to
// index.html, and /api (and /__sandbox) forwarded so that the page stays same-origin, as in development.
// Environment: XD_H5_PORT (default 4173), XD_API_URL (default http://127.0.0.1:3000),
// VITE_SANDBOX_URL (default http://127.0.0.1:3100), XD_H5_DIR (default dist/build/h5).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.env.XD_H5_DIR ?? fileURLToPath(new URL('../dist/build/h5', import.meta.url)));
const port = Number(process.env.XD_H5_PORT ?? 4173);
const upstreams = [
  ['/api', new URL(process.env.XD_API_URL || 'http://127.0.0.1:3000')],
  ['/__sandbox', new URL(process.env.VITE_SANDBOX_URL || 'http://127.0.0.1:3100')],
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

if (!existsSync(join(root, 'index.html'))) {
  console.error(`no H5 build in ${root}: run pnpm --filter @xiaodian/miniapp build:h5 first`);
  process.exit(1);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const target = upstreams.find(([prefix]) => url.pathname === prefix || url.pathname.startsWith(`${prefix}/`))?.[1];
  if (target) {
    const upstream = request(
      { hostname: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'UPSTREAM_UNREACHABLE', message: `服务暂时不可用（${target.origin} 无法连接）` } }));
    });
    req.pipe(upstream);
    return;
  }
  let file = normalize(join(root, decodeURIComponent(url.pathname)));
  if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': file.includes(`${join(root, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  createReadStream(file).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`H5 preview on http://127.0.0.1:${port} (${upstreams.map(([p, u]) => `${p} → ${u.origin}`).join(', ')})`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
