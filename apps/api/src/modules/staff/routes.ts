import Router from '@koa/router';
import { adminLoginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { parseInput } from '../../http/validate';
import { loginAdmin } from './admin-login';

/** The console's sign-in: the one admin route that needs no session. */
export function staffRoutes(s: Services): Router {
  const router = new Router();
  router.post('/api/admin/login', async (ctx) => {
    const input = parseInput(adminLoginInput, ctx.request.body);
    ctx.body = await loginAdmin(s, input);
  });
  return router;
}
