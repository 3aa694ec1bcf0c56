import Router from '@koa/router';
import { loginInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { parseInput } from '../../http/validate';
import { loginShopper } from './login';

/** A shopper signs in with the code of `wx.login`; the API exchanges it for their openid. */
export function shopperRoutes(s: Services): Router {
  const router = new Router();
  router.post('/api/auth/login', async (ctx) => {
    const { code } = parseInput(loginInput, ctx.request.body);
    ctx.body = await loginShopper(s, code);
  });
  return router;
}
