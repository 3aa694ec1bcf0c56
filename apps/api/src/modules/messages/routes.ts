import Router from '@koa/router';
import { wechatBindingInput } from '@xiaodian/shared';
import type { Services } from '../../context';
import { requireShopper, shopperOf } from '../../http/auth';
import { parseInput } from '../../http/validate';
import { retryAfter } from '../staff/retry-after';
import { redeemBindingCode } from './wechat-binding';

/** The templates the mini program asks the shopper to allow at checkout, and the owner's binding code. */
export function messageRoutes(s: Services): Router {
  const router = new Router({ prefix: '/api' });

  router.get('/subscribe-templates', (ctx) => {
    ctx.body = { ...s.config.subscribeTemplates };
  });

  router.post('/wechat-binding', requireShopper(s.tokens), retryAfter, async (ctx) => {
    const { code } = parseInput(wechatBindingInput, ctx.request.body);
    ctx.body = await redeemBindingCode(s, shopperOf(ctx), code);
  });
  return router;
}
