import Router from '@koa/router';
import { Types } from 'mongoose';
import type { Services } from '../../context';
import { notFound } from '../../errors';
import { adminOf, requireAdmin } from '../../http/auth';
import { toOrderMessage } from './dto';
import type { MessageDoc } from './model';
import { createBindingCode, unbindWechat } from './wechat-binding';

/** The messages of an order (admin order detail) and the console account's WeChat binding. */
export function messageAdminRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api/admin' });
  const anyAdmin = requireAdmin(s.tokens);

  router.get('/orders/:id/messages', anyAdmin, async (ctx) => {
    const id = ctx.params.id!;
    if (!/^[a-f0-9]{24}$/i.test(id) || !(await s.models.Order.exists({ _id: id }))) throw notFound('Order');
    const messages = await s.models.Message.find({ orderId: new Types.ObjectId(id) }).sort({ createdAt: 1, _id: 1 }).lean<MessageDoc[]>();
    ctx.body = { items: messages.map(toOrderMessage) };
  });

  router.post('/me/wechat-binding', anyAdmin, async (ctx) => {
    ctx.status = 201;
    ctx.body = await createBindingCode(s, adminOf(ctx).adminId);
  });

  router.delete('/me/wechat-binding', anyAdmin, async (ctx) => {
    await unbindWechat(s, adminOf(ctx).adminId);
    ctx.status = 204;
  });
  return router;
}
