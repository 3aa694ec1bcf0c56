import type { Middleware } from 'koa';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/** The one place errors become HTTP answers: `{ error: { code, message } }`. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: `No route for ${ctx.method} ${ctx.path}` } };
      }
    } catch (err) {
      const log = ctx.state.log as Logger;
      if (err instanceof AppError) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message } };
        if (err.status >= 500) log.error({ err }, err.message);
        return;
      }
      // koa-bodyparser and friends throw http-errors with a status and `expose` for client mistakes.
      const httpError = err as { status?: number; expose?: boolean; message?: string };
      if (httpError.status && httpError.status < 500 && httpError.expose) {
        ctx.status = httpError.status;
        ctx.body = {
          error: {
            code: httpError.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED',
            message: httpError.message ?? 'Bad request',
          },
        };
        return;
      }
      log.error({ err }, 'unhandled error');
      ctx.status = 500;
      ctx.body = {
        error: { code: 'INTERNAL', message: `Something went wrong; quote request id ${String(ctx.state.requestId)}` },
      };
    }
  };
}
