// The store-info page: public, so a shopper can read the policy and call before signing in.
import Router from '@koa/router';
import type { Services } from '../../context';
import { getStoreInfo } from './store-info';

export function storeRoutes(s: Services): Router {
  const router = new Router();
  router.get('/api/store', async (ctx) => {
    ctx.body = await getStoreInfo(s.models, s.config);
  });
  return router;
}
