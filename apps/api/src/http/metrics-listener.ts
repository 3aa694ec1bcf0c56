// `GET /metrics` for Prometheus, on a listener of its own (METRICS_PORT), never on the public API: order
// counts and WeChat's error rates are for operators, and the public proxy never routes to this port. With
// METRICS_TOKEN the scraper must also send `Authorization: Bearer <token>`.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { METRICS_CONTENT_TYPE, type Metrics } from '../infra/metrics';
import type { Logger } from '../logger';

export interface MetricsListener {
  /** `http://host:port`, the port as bound (METRICS_PORT=0 picks a free one). */
  url: string;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function startMetricsListener(
  metrics: Metrics,
  options: { port: number; host: string; token?: string },
  logger: Logger,
): Promise<MetricsListener> {
  const expected = options.token ? digest(`Bearer ${options.token}`) : undefined;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    // Compared as digests: constant time whatever the length the caller sent.
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      res.writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' }).end('unauthorized\n');
      return;
    }
    metrics.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        // Usually the database is away (the gauges read it): the scrape fails visibly rather than report stale values.
        logger.warn({ err: (err as Error).message }, 'metrics scrape failed');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
