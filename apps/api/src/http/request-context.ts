// Per-request logging: every request gets an id (the caller's X-Request-Id if it sent a sane one), and every log
// line written while serving it carries that id through the logger's AsyncLocalStorage scope (logger.ts).
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { requestScope, type Logger } from '../logger';

export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    await requestScope.run({ requestId }, async () => {
      try {
        await next();
      } finally {
        logger.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'request');
      }
    });
  };
}
