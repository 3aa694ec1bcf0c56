// The shopper's reads of their orders (with refunds and shipment, gathered here because this room sits above
// orders, payments and refunds) and confirming receipt.
import Router from '@koa/router';
import { Types } from 'mongoose';
import { ownOrdersQuery } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, notFound } from '../../errors';
import { requireShopper, shopperOf } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { passThrottle } from '../../infra/lease';
import { findOwnOrder } from '../orders/find-own-order';
import type { OrderDoc } from '../orders/model';
import { syncOrderPayments } from '../payments/sync-payment';
import { completeOrder } from './complete-order';
import { shopperOrderView, shopperOrderViews } from './order-views';

/** `?sync=1` asks WeChat at most this often per order, across every instance. */
const SYNC_THROTTLE_MS = 2_000;

export function shopperOrderRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/orders' });
  router.use(requireShopper(s.tokens));

  router.get('/', async (ctx) => {
    const { page, pageSize } = parseInput(ownOrdersQuery, queryOf(ctx));
    const own = { userId: new Types.ObjectId(shopperOf(ctx).userId), stage: 'PLACED' as const };
    const [orders, total] = await Promise.all([
      s.models.Order.find(own)
        .sort({ createdAt: -1, _id: -1 })
        .skip((page - 1) * pageSize)
        .limit(pageSize)
        .lean<OrderDoc[]>(),
      s.models.Order.countDocuments(own),
    ]);
    ctx.body = { items: await shopperOrderViews(s, orders), total };
  });

  router.get('/:id', async (ctx) => {
    const { userId } = shopperOf(ctx);
    let order = await findOwnOrder(s, userId, ctx.params.id!);
    if (ctx.query.sync === '1' && order.status === 'PENDING_PAYMENT' && (await passThrottle(s.models, `sync:${order._id}`, SYNC_THROTTLE_MS))) {
      try {
        await syncOrderPayments(s, order._id);
      } catch (err) {
        // The shopper still gets the order as we know it; "unknown" is never shown as paid.
        s.logger.warn({ err: (err as Error).message, orderId: String(order._id) }, 'sync with WeChat failed');
      }
      order = await findOwnOrder(s, userId, ctx.params.id!);
    }
    ctx.body = await shopperOrderView(s, order);
  });

  // The shopper's 确认收货: SHIPPED → COMPLETED; a repeat answers the completed order again.
  router.post('/:id/confirm-receipt', async (ctx) => {
    const order = await findOwnOrder(s, shopperOf(ctx).userId, ctx.params.id!);
    const result = await completeOrder(s, { orderId: order._id, via: 'SHOPPER' });
    if (result.outcome === 'NOT_FOUND') throw notFound('Order');
    if (result.outcome === 'NOT_COMPLETABLE') {
      throw new AppError('ORDER_STATE', { status: 409, message: `A ${result.order.status} order cannot be confirmed as received`, details: { status: result.order.status } });
    }
    ctx.body = await shopperOrderView(s, result.order);
  });
  return router;
}
