// Small Koa helpers shared by every route: the raw request body (signatures are over exact bytes), JSON and
// form parsing, JSON answers.
import type { Context, Next } from 'koa';

const MAX_BODY = 1024 * 1024;

export interface SandboxState {
  rawBody: string;
}

/** Reads the whole request body as UTF-8 into ctx.state.rawBody ('' for none). */
export async function rawBody(ctx: Context, next: Next): Promise<void> {
  const chunks: Buffer[] = [];
  let size = 0;
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) ctx.throw(413, 'request body too large');
      chunks.push(chunk);
    }
  }
  (ctx.state as SandboxState).rawBody = Buffer.concat(chunks).toString('utf8');
  await next();
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

/** Like bodyObject, but undefined for an empty body too (WeChat's JSON endpoints). */
export function jsonBody(ctx: Context): unknown {
  const text = bodyText(ctx);
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
