// Shipping from the console: any admin may ship.
import Router from '@koa/router';
import { shipInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { adminOrderView } from './order-views';
import { shipOrder } from './ship-order';

export function shippingAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  router.post('/orders/:id/ship', requireAdmin(s.tokens), async (ctx) => {
    const input = parseInput(shipInput, ctx.request.body);
    ctx.body = await adminOrderView(s, await shipOrder(s, ctx.params.id!, input, adminOf(ctx).username));
  });
  return router;
}
