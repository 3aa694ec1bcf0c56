// Small Koa helpers shared by every route: the raw request body (signatures are over exact bytes), JSON and
// form parsing, JSON answers.
import type { Context, Next } from 'koa';

const MAX_BODY = 1024 * 1024;

export interface SandboxState {
  rawBody: string;
  /** jsonBody's answer, once asked: a v3 call reads its body twice (the trade it concerns, then the handler). */
  json?: { value: unknown };
}

/** Reads the whole request body as UTF-8 into ctx.state.rawBody ('' for none). */
export async function rawBody(ctx: Context, next: Next): Promise<void> {
  (ctx.state as SandboxState).rawBody = ctx.method === 'GET' || ctx.method === 'HEAD' ? '' : await readBody(ctx);
  await next();
}

/** With 'data' events rather than `for await`: the async iterator costs more than the rest of the read. */
function readBody(ctx: Context): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const req = ctx.req;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        req.off('data', onData);
        // The rest is not read: the answer closes the connection.
        reject(Object.assign(new Error('request body too large'), { status: 413, expose: true }));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    let ended = false;
    req.once('error', reject);
    // A client gone mid-body: no 'end' will come. ('close' follows every 'end' too: no Error, and its stack, then.)
    req.once('close', () => {
      if (!ended) reject(Object.assign(new Error('request aborted'), { status: 400, expose: true }));
    });
    req.once('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export function bodyText(ctx: Context): string {
  return (ctx.state as SandboxState).rawBody ?? '';
}

/** The request body as an object: JSON, or a urlencoded form (the HTML pages post forms). undefined when unparsable. */
export function bodyObject(ctx: Context): Record<string, unknown> | undefined {
  const text = bodyText(ctx);
  if (ctx.is('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Like bodyObject, but undefined for an empty body too (WeChat's JSON endpoints). Parsed once per request. */
export function jsonBody(ctx: Context): unknown {
  const state = ctx.state as SandboxState;
  state.json ??= { value: parseJson(bodyText(ctx)) };
  return state.json.value;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function sendJson(ctx: Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = 'application/json; charset=utf-8';
  ctx.body = JSON.stringify(body);
}

export function sendHtml(ctx: Context, html: string, status = 200): void {
  ctx.status = status;
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html;
}

export function queryString(ctx: Context, name: string): string | undefined {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Appends `params` to a URL; for hash-routed SPAs (`…/#/pages/x`) they go into the hash, where the router reads them. */
export function withParams(url: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  const hashAt = url.indexOf('#');
  if (hashAt >= 0) {
    const hash = url.slice(hashAt);
    return `${url.slice(0, hashAt)}${hash}${hash.includes('?') ? '&' : '?'}${query}`;
  }
  return `${url}${url.includes('?') ? '&' : '?'}${query}`;
}
