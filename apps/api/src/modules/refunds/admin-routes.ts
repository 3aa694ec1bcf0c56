// Refunds from the console: the owner's alone.
import Router from '@koa/router';
import { refundInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { adminOf, requireAdmin } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { toRefundView } from './dto';
import { refundOrder } from './refund-order';
import { reissueRefund } from './reissue-refund';

export function refundAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  const owner = requireAdmin(s.tokens, ['owner']);

  router.post('/orders/:id/refunds', owner, async (ctx) => {
    const input = parseInput(refundInput, ctx.request.body);
    const idempotencyKey = idempotencyKeyOf(ctx);
    const { refund } = await refundOrder(s, { ...input, orderId: ctx.params.id!, actor: adminOf(ctx).username, ...(idempotencyKey ? { idempotencyKey } : {}) });
    ctx.status = 201;
    ctx.body = { outRefundNo: refund.outRefundNo, status: refund.status };
  });

  // A failed refund issued again (reissue-refund.ts): repeated, it answers the same new refund.
  router.post('/refunds/:outRefundNo/reissue', owner, async (ctx) => {
    const refund = await reissueRefund(s, ctx.params.outRefundNo!, adminOf(ctx).username);
    ctx.status = 201;
    ctx.body = toRefundView(refund);
  });
  return router;
}
