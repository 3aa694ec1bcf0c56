// The console's after-sale queue: any admin (owner or staff) decides; each act is audited. Approving starts the
// refund through the refund path (owner-only rules are for refunds an admin starts on their own).
import Router from '@koa/router';
import { afterSaleApproveInput, afterSaleListQuery, afterSaleRejectInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { approveAfterSale, receiveAfterSale, rejectAfterSale } from './decide-after-sale';
import { findAfterSale } from './find-after-sale';
import { listAfterSales, withOrderNos } from './list-after-sales';
import type { AfterSaleDoc } from './model';

export function afterSaleAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin/after-sales' });
  router.use(requireAdmin(s.tokens));
  const one = async (doc: AfterSaleDoc) => (await withOrderNos(s, [doc]))[0]!;

  router.get('/', async (ctx) => {
    ctx.body = await listAfterSales(s, parseInput(afterSaleListQuery, queryOf(ctx)));
  });

  /** The nav's badge: requests waiting for a decision. */
  router.get('/summary', async (ctx) => {
    ctx.body = { requested: await s.models.AfterSale.countDocuments({ status: 'REQUESTED' }) };
  });

  router.get('/:id', async (ctx) => {
    ctx.body = await one(await findAfterSale(s, ctx.params.id!));
  });

  router.post('/:id/approve', async (ctx) => {
    const { note } = parseInput(afterSaleApproveInput, ctx.request.body ?? {});
    ctx.body = await one(await approveAfterSale(s, ctx.params.id!, adminOf(ctx).username, note));
  });

  router.post('/:id/reject', async (ctx) => {
    const { note } = parseInput(afterSaleRejectInput, ctx.request.body);
    ctx.body = await one(await rejectAfterSale(s, ctx.params.id!, adminOf(ctx).username, note));
  });

  router.post('/:id/receive', async (ctx) => {
    ctx.body = await one(await receiveAfterSale(s, ctx.params.id!, adminOf(ctx).username));
  });
  return router;
}
