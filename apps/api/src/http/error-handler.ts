import type { Middleware } from 'koa';
import { toAppError } from '../errors';
import type { Logger } from '../logger';

/** The one place errors become HTTP answers: `{ error: { code, message } }`. */
export function errorHandler(): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body !== undefined && ctx.body !== null && ctx.body !== '') return;
      if (ctx.status === 404) {
        ctx.status = 404;
        ctx.body = { error: { code: 'NOT_FOUND', message: `No route for ${ctx.method} ${ctx.path}` } };
      } else if (ctx.status === 405 || ctx.status === 501) {
        // @koa/router's allowedMethods() answers these with an empty body (and, for 405, an Allow header it keeps).
        const status = ctx.status;
        ctx.body = status === 405
          ? { error: { code: 'METHOD_NOT_ALLOWED', message: `${ctx.method} is not allowed here; see the Allow header` } }
          : { error: { code: 'NOT_IMPLEMENTED', message: `${ctx.method} is not implemented` } };
        ctx.status = status;
      }
    } catch (thrown) {
      const log = ctx.state.log as Logger;
      const err = toAppError(thrown);
      ctx.status = err.status;
      if (err.status >= 500) {
        // The cause (and never the request body: the logger's redaction drops `body` and `err.body`) goes to the log.
        log.error({ err: err.cause ?? err, code: err.code }, 'request failed');
        ctx.body = { error: { code: err.code, message: `Something went wrong; quote request id ${String(ctx.state.requestId)}` } };
        return;
      }
      if (err.code === 'INVALID_BODY' || err.code === 'PAYLOAD_TOO_LARGE') log.info({ code: err.code }, 'request body refused');
      // Data a client renders its own words from (OUT_OF_STOCK: the product and what is left); lists such as the
      // validator's issues stay in the message.
      const details = err.details !== null && typeof err.details === 'object' && !Array.isArray(err.details) ? { details: err.details } : {};
      ctx.body = { error: { code: err.code, message: err.message, ...details } };
    }
  };
}
