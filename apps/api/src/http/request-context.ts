// Per-request logging: every request gets an id (the caller's X-Request-Id if it sent a sane one) and a
// child logger that carries it, reachable from services through AsyncLocalStorage without passing ctx.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger';

const storage = new AsyncLocalStorage<{ requestId: string; log: Logger }>();

/** The current request's logger, or the given fallback outside a request (jobs, start-up). */
export function currentLog(fallback: Logger): Logger {
  return storage.getStore()?.log ?? fallback;
}

export function requestContext(logger: Logger): Middleware {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = /^[\w.-]{8,64}$/.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId: requestId });
    ctx.state.requestId = requestId;
    ctx.state.log = log;
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    await storage.run({ requestId, log }, async () => {
      try {
        await next();
      } finally {
        log.info(
          { method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) },
          'request',
        );
      }
    });
  };
}
