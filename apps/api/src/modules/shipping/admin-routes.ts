// Shipping from the console: any admin may ship, ship a batch, or correct a tracking number.
import Router from '@koa/router';
import { shipInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { correctShipment, shipmentCorrection } from './correct-shipment';
import { adminOrderView } from './order-views';
import { shipBatch, shipBatchInput } from './ship-batch';
import { shipOrder } from './ship-order';

export function shippingAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  router.post('/orders/ship-batch', requireAdmin(s.tokens), async (ctx) => {
    const input = parseInput(shipBatchInput, ctx.request.body);
    ctx.body = await shipBatch(s, input, adminOf(ctx).username);
  });
  router.post('/orders/:id/ship', requireAdmin(s.tokens), async (ctx) => {
    const input = parseInput(shipInput, ctx.request.body);
    ctx.body = await adminOrderView(s, await shipOrder(s, ctx.params.id!, input, adminOf(ctx).username));
  });
  router.patch('/orders/:id/shipment', requireAdmin(s.tokens), async (ctx) => {
    const input = parseInput(shipmentCorrection, ctx.request.body);
    ctx.body = await adminOrderView(s, await correctShipment(s, ctx.params.id!, input, adminOf(ctx).username));
  });
  return router;
}
