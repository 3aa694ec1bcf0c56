// The payment side of a shopper's order (read it with an optional sync, pay, cancel) and WeChat's payment
// notifications.
import Router from '@koa/router';
import type { Services } from '../../context';
import { AppError } from '../../errors';
import { requireShopper, shopperOf } from '../../http/auth';
import { passThrottle } from '../../infra/lease';
import { toOrder } from '../orders/dto';
import { findOwnOrder } from '../orders/find-own-order';
import { closeOrder } from './close-order';
import { notificationRequestOf, sendNotificationAnswer } from './notification-http';
import { handlePaymentNotification } from './notifications';
import { payOrder } from './pay-order';
import { syncOrderPayments } from './sync-payment';

/** `?sync=1` asks WeChat at most this often per order, across every instance. */
const SYNC_THROTTLE_MS = 2_000;

export function paymentRoutes(s: Services): Router {
  const router = new Router();
  const shopper = requireShopper(s.tokens);

  router.get('/api/orders/:id', shopper, async (ctx) => {
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
    ctx.body = toOrder(order);
  });

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
