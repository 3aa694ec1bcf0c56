// The shopper's reads of their orders (with refunds and shipment, gathered here because this room sits above
// orders, payments and refunds) and confirming receipt.
import Router from '@koa/router';
import { Types } from 'mongoose';
import { z } from 'zod';
import { ORDER_GROUPS, ownOrdersQuery, STATUS_OF_ORDER_GROUP, type OrderGroup } from '@xiaodian/shared';
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

type OrderFilter = Record<string, unknown>;
const ownOrdersGroupQuery = ownOrdersQuery.extend({ group: z.enum(ORDER_GROUPS).optional() });

/**
 * The filter of a group among the shopper's own orders. 售后: an open after-sale request, a refund status, or any
 * refund the shopper sees on the order (the same refunds `orderRefundsOf` lists), whatever the order's status.
 */
async function groupFilter(s: Services, own: OrderFilter, group: OrderGroup | undefined): Promise<OrderFilter> {
  if (!group) return own;
  if (group !== 'AFTER_SALE') return { ...own, status: STATUS_OF_ORDER_GROUP[group] };
  const paid = await s.models.Order.find({ ...own, paidFen: { $gt: 0 } }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  const refunded = paid.length
    ? await s.models.Refund.find({ orderId: { $in: paid.map((o) => o._id) }, affectsOrder: true, reservedAt: { $exists: true } }, { orderId: 1 }).lean<{ orderId: Types.ObjectId }[]>()
    : [];
  return {
    ...own,
    $or: [{ openAfterSaleId: { $exists: true, $ne: null } }, { status: { $in: ['REFUNDING', 'REFUNDED'] } }, { _id: { $in: refunded.map((r) => r.orderId) } }],
  };
}

/** `?sync=1` asks WeChat at most this often per order, across every instance. */
const SYNC_THROTTLE_MS = 2_000;

export function shopperOrderRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/orders' });
  router.use(requireShopper(s.tokens));

  router.get('/', async (ctx) => {
    const { page, pageSize, group } = parseInput(ownOrdersGroupQuery, queryOf(ctx));
    const own = await groupFilter(s, { userId: new Types.ObjectId(shopperOf(ctx).userId), stage: 'PLACED' }, group);
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
