// Test scaffolding, not part of the library: a tiny WeChat Pay on node:http (loopback, port 0) that
// records every request, checks its merchant signature, and answers what each test scripts —
// signed with the platform key by default, or unsigned, forged, stale, late, compressed, cut short, or not at all.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { parseAuthorization, signedHeaders, verifyAuthorization } from '../crypto';

export interface RecordedRequest {
  method: string;
  /** Path with query, as received. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The merchant's Authorization is well-formed, names the merchant, and its signature holds. */
  authorized: boolean;
  nonce: string | undefined;
}

export interface Reply {
  status: number;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Default: signed by the platform key. `false`: no Wechatpay-* headers. */
  sign?:
    | boolean
    | { timestamp?: number; serial?: string; privateKey?: KeyObject; signature?: string; tamper?: (body: string) => string };
  headers?: Record<string, string>;
  /** Sent with this Content-Encoding; signed over the body before it is encoded, as WeChat signs. */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Send the head and half the body, then `stall` (never finish) or `close` the connection. */
  cut?: 'stall' | 'close';
}

/** `hang`: never answer (the client's timeout must fire). `reset`: destroy the connection without answering. */
export type Handler = (request: RecordedRequest, index: number) => Reply | 'hang' | 'reset' | Promise<Reply | 'hang' | 'reset'>;

export interface StandIn {
  baseUrl: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far (keep-alive reuse shows as fewer connections than requests). */
  readonly connections: number;
  server: Server;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startStandIn(options: {
  merchant: { mchid: string; serial: string; publicKey: KeyObject };
  platform: { serial: string; privateKey: KeyObject };
}): Promise<StandIn> {
  const requests: RecordedRequest[] = [];
  let handler: Handler = () => ({ status: 404, body: { code: 'NOT_FOUND', message: 'no handler' } });
  let requestCounter = 0;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const method = req.method ?? 'GET';
        const url = req.url ?? '/';
        const auth = parseAuthorization(req.headers.authorization);
        const authorized =
          auth !== undefined &&
          auth.mchid === options.merchant.mchid &&
          auth.serial_no === options.merchant.serial &&
          verifyAuthorization({ method, pathWithQuery: url, body }, auth, options.merchant.publicKey);
        const recorded: RecordedRequest = { method, url, headers: req.headers, body, authorized, nonce: auth?.nonce_str };
        requests.push(recorded);
        const reply = await handler(recorded, requests.length - 1);
        if (reply === 'hang') return;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        const headers: Record<string, string> = {
          'Request-ID': `standin-${++requestCounter}`,
          ...(text ? { 'Content-Type': 'application/json' } : {}),
          ...reply.headers,
        };
        if (reply.sign !== false) {
          const sign = typeof reply.sign === 'object' ? reply.sign : {};
          const signed = signedHeaders(
            text,
            { serial: sign.serial ?? options.platform.serial, privateKey: sign.privateKey ?? options.platform.privateKey },
            sign.timestamp === undefined ? {} : { timestamp: sign.timestamp },
          );
          if (sign.signature !== undefined) signed['Wechatpay-Signature'] = sign.signature;
          Object.assign(headers, signed);
        }
        const sent = typeof reply.sign === 'object' && reply.sign.tamper ? reply.sign.tamper(text) : text;
        const bytes = encode(Buffer.from(sent, 'utf8'), reply.encoding);
        if (reply.encoding) headers['Content-Encoding'] = reply.encoding;
        if (!reply.cut) {
          res.writeHead(reply.status, headers);
          res.end(bytes);
          return;
        }
        // The full length announced, so that the client knows the answer is not complete.
        res.writeHead(reply.status, { ...headers, 'Content-Length': String(bytes.length) });
        res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
        if (reply.cut === 'close') setTimeout(() => req.socket.destroy(), 20);
      })();
    });
  });
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    get connections() {
      return connections;
    },
    server,
    handle(next) {
      handler = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function encode(bytes: Buffer, encoding: Reply['encoding']): Buffer {
  if (encoding === 'gzip') return gzipSync(bytes);
  if (encoding === 'deflate') return deflateSync(bytes);
  if (encoding === 'br') return brotliCompressSync(bytes);
  return bytes;
}
