// The owner edits the store's name, service phone and after-sale policy; staff cannot (it is the shop's promise).
import Router from '@koa/router';
import { storeInfoPatchInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { updateStoreInfo } from './store-info';

export function storeAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  router.patch('/store', requireAdmin(s.tokens, ['owner']), async (ctx) => {
    const input = parseInput(storeInfoPatchInput, ctx.request.body);
    ctx.body = await updateStoreInfo(s.models, s.config, adminOf(ctx).username, input);
  });
  return router;
}
