// A wire tap between the API and the sandbox's open API (WECHAT_API_BASE): it forwards every request unchanged
// and counts them by path, so tests can assert how often the API really called WeChat (one stable_token fetch
// for fifty uses). It can also hold answers back, widening the window in which callers race. Failures are the
// sandbox's job (its http_5xx fault), not the tap's.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export interface OpenApiTap {
  url: string;
  /** Calls forwarded or failed, by path (`/cgi-bin/stable_token`). */
  count(path: string): number;
  /** Holds every answer of `path` this long (a slow WeChat: widens the window in which callers race). */
  slow(path: string, ms: number): void;
  reset(): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startOpenApiTap(target: () => string): Promise<OpenApiTap> {
  const counts = new Map<string, number>();
  const delays = new Map<string, number>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://tap');
      counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
      const body = await readBody(req);
      const answer = await fetch(`${target()}${url.pathname}${url.search}`, {
        method: req.method ?? 'GET',
        headers: req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {},
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
      });
      const text = Buffer.from(await answer.arrayBuffer());
      const delay = delays.get(url.pathname);
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(text);
    })().catch((err: unknown) => res.writeHead(599).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    count: (path) => counts.get(path) ?? 0,
    slow(path, ms) {
      delays.set(path, ms);
    },
    reset() {
      counts.clear();
      delays.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
