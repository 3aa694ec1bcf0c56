// A shopper's after-sale requests: ask on an order, list an order's requests, follow one, send the return, cancel.
import Router from '@koa/router';
import { afterSaleReturnInput, createAfterSaleInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireShopper, shopperOf } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { findOwnOrder } from '../orders/find-own-order';
import { findAfterSale } from './find-after-sale';
import { withOrderNos } from './list-after-sales';
import type { AfterSaleDoc } from './model';
import { ensureOpenAfterSale, requestAfterSale } from './request-after-sale';
import { cancelAfterSale, returnGoods } from './shopper-steps';

export function afterSaleRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api' });
  const shopper = requireShopper(s.tokens);
  const one = async (doc: AfterSaleDoc) => (await withOrderNos(s, [doc]))[0]!;

  router.post('/orders/:id/after-sales', shopper, async (ctx) => {
    const input = parseInput(createAfterSaleInput, ctx.request.body);
    const created = await requestAfterSale(s, shopperOf(ctx).userId, ctx.params.id!, input);
    ctx.status = 201;
    ctx.body = await one(created);
  });

  router.get('/orders/:id/after-sales', shopper, async (ctx) => {
    const order = await findOwnOrder(s, shopperOf(ctx).userId, ctx.params.id!);
    await ensureOpenAfterSale(s, order);
    const docs = await s.models.AfterSale.find({ orderId: order._id, userId: order.userId }).sort({ createdAt: -1, _id: -1 }).lean<AfterSaleDoc[]>();
    ctx.body = { items: await withOrderNos(s, docs) };
  });

  router.get('/after-sales/:id', shopper, async (ctx) => {
    ctx.body = await one(await findAfterSale(s, ctx.params.id!, shopperOf(ctx).userId));
  });

  router.post('/after-sales/:id/return', shopper, async (ctx) => {
    const input = parseInput(afterSaleReturnInput, ctx.request.body);
    ctx.body = await one(await returnGoods(s, shopperOf(ctx).userId, ctx.params.id!, input));
  });

  router.post('/after-sales/:id/cancel', shopper, async (ctx) => {
    ctx.body = await one(await cancelAfterSale(s, shopperOf(ctx).userId, ctx.params.id!));
  });
  return router;
}
