import Router from '@koa/router';
import type { Services } from '../../context';
import { notificationRequestOf, sendNotificationAnswer } from '../payments/notification-http';
import { handleRefundNotification } from './refund-notifications';

/** WeChat's refund notifications (the notify_url every refund names). */
export function refundRoutes(s: Services): Router {
  const router = new Router();
  router.post('/api/pay/refund-notify', async (ctx) => sendNotificationAnswer(ctx, await handleRefundNotification(s, notificationRequestOf(ctx))));
  return router;
}
