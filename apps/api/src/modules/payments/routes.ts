import Router from '@koa/router';
import type { Context } from 'koa';
import type { Services } from '../../context';
import { handlePaymentNotification, handleRefundNotification, type NotificationAnswer } from './notifications';

function send(ctx: Context, answer: NotificationAnswer): void {
  ctx.status = answer.status;
  if (answer.body) ctx.body = answer.body;
}

export function paymentNotificationRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/pay' });
  const request = (ctx: Context) => ({ headers: ctx.headers, rawBody: (ctx.request as { rawBody?: string }).rawBody });
  router.post('/notify', async (ctx) => send(ctx, await handlePaymentNotification(s, request(ctx))));
  router.post('/refund-notify', async (ctx) => send(ctx, await handleRefundNotification(s, request(ctx))));
  return router;
}
