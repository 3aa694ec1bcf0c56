import Router from '@koa/router';
import { adminLoginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { parseInput } from '../../http/validate';
import { loginAdmin } from './admin-login';
import { retryAfter } from './retry-after';

/** The console's sign-in: the one admin route that needs no session. */
export function staffRoutes(s: Services): Router {
  const router = new Router();
  // ctx.ip is the client's address: the app trusts X-Forwarded-For (`proxy: true`) as it runs behind a proxy.
  router.post('/api/admin/login', retryAfter, async (ctx) => {
    const input = parseInput(adminLoginInput, ctx.request.body);
    ctx.body = await loginAdmin(s, input, ctx.ip);
  });
  return router;
}
