// The bench's load generator: node:http on keep-alive sockets opened before each measured phase. It shares this
// machine's two cores with the API, devdb and the sandbox, so what it spends is taken from them: fetch (undici)
// spends about 1.1 ms of CPU per request, more than the API spends answering `GET /api/health`, so it capped that
// yardstick at its own speed, and in the flash sale it let the buyers trickle in one by one instead of at the
// same moment, as a thousand phones would. This client spends about a third of that. `XD_BENCH_CLIENT=fetch`
// measures with fetch instead, as the bench did before.
import { Agent, request } from 'node:http';
import { call, replyBody, type Reply } from '../test/harness';

/** The harness's reply (its JSON body loosely typed, as the tests read it), without the headers. */
export type LoadReply = Pick<Reply, 'status' | 'body'>;

export interface LoadOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body sent exactly as given (a signed notification). */
  raw?: string;
}

export interface LoadClient {
  send(method: string, path: string, options?: LoadOptions): Promise<LoadReply>;
  /** Opens the sockets (parallel health checks) so the measured requests open none. */
  warm(): Promise<void>;
  close(): void;
}

export function loadClient(base: string, sockets: number): LoadClient {
  if (process.env.XD_BENCH_CLIENT === 'fetch') {
    return { send: (method, path, options) => call(base, method, path, options), warm: async () => undefined, close: () => undefined };
  }
  const url = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  const send = (method: string, path: string, options: LoadOptions = {}) =>
    new Promise<LoadReply>((resolve, reject) => {
      const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: {
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
            ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: replyBody(Buffer.concat(chunks).toString('utf8')) }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  return {
    send,
    async warm() {
      await Promise.all(Array.from({ length: sockets }, () => send('GET', '/api/health')));
    },
    close: () => agent.destroy(),
  };
}
