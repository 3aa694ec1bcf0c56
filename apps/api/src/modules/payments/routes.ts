// The payment side of a shopper's order (pay, cancel) and WeChat's payment notifications. Reading an order (with
// its optional sync) lives in the shipping room, which can gather its refunds and shipment.
import Router from '@koa/router';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { requireShopper, shopperOf } from '../../http/auth';
import { toOrder } from '../orders/dto';
import { findOwnOrder } from '../orders/find-own-order';
import { closeOrder } from './close-order';
import { notificationRequestOf, sendNotificationAnswer } from './notification-http';
import { handlePaymentNotification } from './notifications';
import { payOrder } from './pay-order';

export function paymentRoutes(s: Services): Router {
  const router = new Router();
  const shopper = requireShopper(s.tokens);

  router.post('/api/orders/:id/pay', shopper, async (ctx) => {
    ctx.body = await payOrder(s, await findOwnOrder(s, shopperOf(ctx).userId, ctx.params.id!));
  });

  router.post('/api/orders/:id/cancel', shopper, async (ctx) => {
    const order = await findOwnOrder(s, shopperOf(ctx).userId, ctx.params.id!);
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

  router.post('/api/pay/notify', async (ctx) => sendNotificationAnswer(ctx, await handlePaymentNotification(s, notificationRequestOf(ctx))));
  return router;
}
