// A shopper's orders: place one. Paying and cancelling live with payments (they may have to ask WeChat Pay
// first); reading orders lives with shipping, which can gather their refunds and shipment.
import Router from '@koa/router';
import { createOrderInput, quoteOrderInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireShopper, shopperOf } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { createOrder, TooManyOrdersError } from './create-order';
import { toOrder } from './dto';
import { quoteOrder } from './quote-order';

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

  // The checkout's price before placing: the fee comes from the address, never from the client.
  router.post('/quote', async (ctx) => {
    ctx.body = await quoteOrder(s.models, parseInput(quoteOrderInput, ctx.request.body));
  });

  return router;
}
