import Router from '@koa/router';
import { adminLoginInput, loginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { parseInput } from '../../http/validate';
import { loginAdmin } from './admin-login';
import { loginShopper } from './login';

export function authRoutes(s: Services): Router {
  const router = new Router();
  router.post('/api/auth/login', async (ctx) => {
    const { code } = parseInput(loginInput, ctx.request.body);
    ctx.body = await loginShopper(s, code);
  });
  router.post('/api/admin/login', async (ctx) => {
    const input = parseInput(adminLoginInput, ctx.request.body);
    ctx.body = await loginAdmin(s, input);
  });
  return router;
}
