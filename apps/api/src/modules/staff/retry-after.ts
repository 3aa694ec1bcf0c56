import type { Middleware } from 'koa';
import { TooManyAttemptsError } from './login-attempts';

/** Sends a refused sign-in's wait as Retry-After (the error handler then writes the 429 body as usual). */
export const retryAfter: Middleware = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    if (err instanceof TooManyAttemptsError) ctx.set('Retry-After', String(err.retryAfterSeconds));
    throw err;
  }
};
