// A shopper's orders: place one, list them. Reading one order, paying and cancelling live with payments,
// because each of them may have to ask WeChat Pay first.
import Router from '@koa/router';
import { Types } from 'mongoose';
import { createOrderInput, ownOrdersQuery } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireShopper, shopperOf } from '../../http/auth';
import { queryOf } from '../../http/query';
import { parseInput } from '../../http/validate';
import { createOrder, TooManyOrdersError } from './create-order';
import { toOrder } from './dto';
import type { OrderDoc } from './model';

export function orderRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/orders' });
  router.use(requireShopper(s.tokens));

  router.post('/', async (ctx) => {
    const input = parseInput(createOrderInput, ctx.request.body);
    const { orderTtlSeconds, maxPendingOrders, orderRateLimit } = s.config;
    const order = await createOrder({ models: s.models, orderTtlSeconds, maxPendingOrders, orderRateLimit }, shopperOf(ctx), input).catch((err: unknown) => {
      if (err instanceof TooManyOrdersError) ctx.set('Retry-After', String(err.retryAfterSeconds));
      throw err;
    });
    ctx.status = 201;
    ctx.body = toOrder(order);
  });

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
    ctx.body = { items: orders.map(toOrder), total };
  });
  return router;
}
