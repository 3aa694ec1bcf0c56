// Shipping from the console: any admin may ship, ship a batch (typed, picked or read from an .xlsx), or correct a
// tracking number.
import Router from '@koa/router';
import { shipInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { readUploadedFile } from '../images/read-upload';
import { correctShipment, shipmentCorrection } from './correct-shipment';
import { importShipRows, MAX_IMPORT_BYTES } from './import-ship-rows';
import { adminOrderView } from './order-views';
import { shipBatch, shipBatchInput } from './ship-batch';
import { shipOrder } from './ship-order';

export function shippingAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  router.post('/orders/ship-batch', requireAdmin(s.tokens), async (ctx) => {
    const input = parseInput(shipBatchInput, ctx.request.body);
    ctx.body = await shipBatch(s, input, adminOf(ctx).username);
  });
  // A preview source only: the rows come back to the console, which applies them through ship-batch above.
  router.post('/orders/ship-batch/import', requireAdmin(s.tokens), async (ctx) => {
    ctx.body = await importShipRows(await readUploadedFile(ctx, 'file', MAX_IMPORT_BYTES));
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
