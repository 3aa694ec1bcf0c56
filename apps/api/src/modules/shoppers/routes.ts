import Router from '@koa/router';
import { loginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireShopper, shopperOf } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { loginShopper } from './login';
import { logoutShopper } from './logout-shopper';

/** A shopper signs in with the code of `wx.login` (the API exchanges it for their openid), and signs out. */
export function shopperRoutes(s: Services): Router {
  const router = new Router();
  router.post('/api/auth/login', async (ctx) => {
    const { code } = parseInput(loginInput, ctx.request.body);
    ctx.body = await loginShopper(s, code);
  });
  router.post('/api/auth/logout', requireShopper(s.tokens), async (ctx) => {
    await logoutShopper(s, shopperOf(ctx));
    ctx.status = 204;
  });
  return router;
}
