// Between Koa and the notification handlers: the raw body in, WeChat's expected answer out.
import type { Context } from 'koa';
import type { NotificationAnswer, NotificationRequest } from './notifications';

export function sendNotificationAnswer(ctx: Context, answer: NotificationAnswer): void {
  ctx.status = answer.status;
  if (answer.body) ctx.body = answer.body;
}

export function notificationRequestOf(ctx: Context): NotificationRequest {
  return { headers: ctx.headers, rawBody: (ctx.request as { rawBody?: string }).rawBody };
}
