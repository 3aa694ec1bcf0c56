import Router from '@koa/router';
import { Types, isValidObjectId } from 'mongoose';
import { createOrderInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { AppError, notFound } from '../../errors';
import { requireShopper, shopperOf } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { passThrottle } from '../../infra/lease';
import type { OrderDoc } from '../../models';
import { payOrder } from '../payments/pay-order';
import { syncOrderPayments } from '../payments/sync-payment';
import { closeOrder } from './close-order';
import { createOrder } from './create-order';
import { toOrder } from './dto';

/** `?sync=1` asks WeChat at most this often per order, across every instance. */
const SYNC_THROTTLE_MS = 2_000;

export function orderRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/orders' });
  router.use(requireShopper(s.tokens));

  const ownOrder = async (userId: string, id: string): Promise<OrderDoc> => {
    if (!isValidObjectId(id)) throw notFound('Order');
    const order = await s.models.Order.findOne({ _id: id, userId: new Types.ObjectId(userId), stage: 'PLACED' }).lean<OrderDoc>();
    if (!order) throw notFound('Order');
    return order;
  };

  router.post('/', async (ctx) => {
    const input = parseInput(createOrderInput, ctx.request.body);
    const order = await createOrder({ models: s.models, orderTtlSeconds: s.config.orderTtlSeconds }, shopperOf(ctx), input);
    ctx.status = 201;
    ctx.body = toOrder(order);
  });

  router.get('/', async (ctx) => {
    const orders = await s.models.Order.find({ userId: new Types.ObjectId(shopperOf(ctx).userId), stage: 'PLACED' })
      .sort({ createdAt: -1 })
      .limit(100)
      .lean<OrderDoc[]>();
    ctx.body = { items: orders.map(toOrder) };
  });

  router.get('/:id', async (ctx) => {
    let order = await ownOrder(shopperOf(ctx).userId, ctx.params.id!);
    if (ctx.query.sync === '1' && order.status === 'PENDING_PAYMENT' && (await passThrottle(s.models, `sync:${order._id}`, SYNC_THROTTLE_MS))) {
      try {
        await syncOrderPayments(s, order._id);
      } catch (err) {
        // The shopper still gets the order as we know it; "unknown" is never shown as paid.
        s.logger.warn({ err: (err as Error).message, orderId: String(order._id) }, 'sync with WeChat failed');
      }
      order = await ownOrder(shopperOf(ctx).userId, ctx.params.id!);
    }
    ctx.body = toOrder(order);
  });

  router.post('/:id/pay', async (ctx) => {
    const order = await ownOrder(shopperOf(ctx).userId, ctx.params.id!);
    ctx.body = await payOrder(s, shopperOf(ctx), String(order._id));
  });

  router.post('/:id/cancel', async (ctx) => {
    const order = await ownOrder(shopperOf(ctx).userId, ctx.params.id!);
    if (order.status === 'CLOSED') {
      ctx.body = toOrder(order);
      return;
    }
    if (order.status !== 'PENDING_PAYMENT') {
      throw new AppError('ORDER_NOT_CANCELLABLE', { status: 409, message: 'A paid order cannot be cancelled; ask the shop for a refund' });
    }
    const result = await closeOrder(s, order._id, 'cancelled by shopper');
    if (!result.closed && result.reason === 'PAID') {
      throw new AppError('ORDER_NOT_CANCELLABLE', { status: 409, message: 'This order was paid just now and cannot be cancelled' });
    }
    if (!result.closed && result.reason === 'BUSY') {
      throw new AppError('CONFLICT', { status: 409, message: 'The order is being closed already; try again in a moment' });
    }
    ctx.body = toOrder(result.order);
  });
  return router;
}
