// How the client's bytes reach WeChat Pay. The default is node:http / node:https on keep-alive agents: undici's
// fetch (web streams, event targets, a Headers object) cost more CPU per small JSON call than the two RSA
// signatures around it, and every order's prepay pays that. An injected `fetch` still works, through the same
// interface, so the client's retry, timeout and verification code is one path for both.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { brotliDecompress, constants as zlib, gunzip, inflate, inflateRaw } from 'node:zlib';

/** Header lookup by name in any case, as fetch's `Headers` does it. */
export interface AnswerHeaders {
  get(name: string): string | null;
}

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  /** Undefined for a bodiless GET. */
  body?: string;
  /** Aborting ends the exchange wherever it is (connecting, waiting, reading) and rejects with `signal.reason`. */
  signal: AbortSignal;
}

export interface TransportAnswer {
  status: number;
  headers: AnswerHeaders;
  /** The body as received (after Content-Encoding is undone): what WeChat's signature covers. */
  body: Buffer;
}

/** One HTTP exchange; redirects are answered, never followed. Rejects on network errors and on abort. */
export type Transport = (url: URL, request: TransportRequest) => Promise<TransportAnswer>;

// Free sockets are closed after 4 s, below the 5 s keep-alive of Node servers and nginx's usual minimum, so an
// idle socket is dropped by us before the server drops it under a request (a server's `Keep-Alive: timeout=`
// hint shortens it further). A reset on a reused socket in that race stays a plain network error: the client
// retries it like any other. 64 sockets per host bounds what a burst of orders can open.
const agentOptions = { keepAlive: true, maxSockets: 64, timeout: 4_000 };
const httpAgent = new HttpAgent(agentOptions);
// No TLS options: api.mch.weixin.qq.com has a public CA certificate, checked against Node's default roots.
const httpsAgent = new HttpsAgent(agentOptions);

export const nodeHttpTransport: Transport = (url, request) =>
  new Promise<TransportAnswer>((resolve, reject) => {
    const { signal } = request;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const https = url.protocol === 'https:';
    const headers: Record<string, string> = { 'Accept-Encoding': acceptEncoding(https), ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body, 'utf8'));

    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      outcome();
    };
    const fail = (error: unknown): void => settle(() => reject(error));
    const onAbort = (): void => {
      fail(signal.reason);
      // Destroying the request destroys its socket and, when it has arrived, the answer being read.
      req.destroy();
    };

    const req = (https ? httpsRequest : httpRequest)(url, { method: request.method, headers, agent: https ? httpsAgent : httpAgent });
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', fail);
      res.on('end', () => {
        decode(Buffer.concat(chunks), res.headers['content-encoding']).then(
          (body) => settle(() => resolve({ status: res.statusCode ?? 0, headers: nodeHeaders(res.headers), body })),
          fail,
        );
      });
      // A connection that ends before the body does must not pass for a complete answer (Node 20 reports it as an
      // 'aborted' error too; this holds whatever the version does).
      res.on('close', () => {
        if (!res.complete) fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
      });
    });
    req.end(request.body);
  });

/** The client's calls on a caller's `fetch`, exactly as they were made before the node transport. */
export function fetchTransport(fetchImpl: typeof fetch): Transport {
  return async (url, request) => {
    const response = await fetchImpl(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'manual',
      signal: request.signal,
    });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };
}

/** The socket error's code (ECONNREFUSED, ECONNRESET …): on the error itself from node:http, on its cause from fetch. */
export function networkErrorCode(error: unknown): string | undefined {
  const own = (error as { code?: unknown } | undefined)?.code;
  // A DOMException (the timeout) has a numeric `code` of its own, which is not a socket error.
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return typeof cause === 'string' ? cause : undefined;
}

function nodeHeaders(headers: IncomingMessage['headers']): AnswerHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

// What fetch sent and undid before, so that the bytes on the wire and the body the signature is checked over
// stay what they were.
const acceptEncoding = (https: boolean): string => (https ? 'br, gzip, deflate' : 'gzip, deflate');

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

/**
 * Undoes Content-Encoding as fetch does: codings applied last are undone first, a truncated stream is
 * accepted as far as it goes, `deflate` may come with or without its zlib header, and an unknown coding leaves
 * the body as it came.
 */
async function decode(body: Buffer, contentEncoding: string | undefined): Promise<Buffer> {
  if (!contentEncoding || body.length === 0) return body;
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse();
  if (!codings.every((coding) => ['gzip', 'x-gzip', 'deflate', 'br'].includes(coding))) return body;
  let decoded = body;
  for (const coding of codings) {
    if (coding === 'br') decoded = await brotliAsync(decoded, { finishFlush: zlib.BROTLI_OPERATION_FLUSH });
    else if (coding === 'deflate') {
      // A zlib stream's first byte names the deflate method (8) in its low bits; anything else is raw deflate.
      const zlibWrapped = decoded.length > 0 && (decoded[0]! & 0x0f) === 0x08;
      decoded = await (zlibWrapped ? inflateAsync : inflateRawAsync)(decoded, { finishFlush: zlib.Z_SYNC_FLUSH });
    } else decoded = await gunzipAsync(decoded, { finishFlush: zlib.Z_SYNC_FLUSH });
  }
  return decoded;
}
