// WeChat's open API at its own paths: /sns/jscode2session, /cgi-bin/…, /wxa/sec/order/….
import { Router } from '@koa/router';
import type { Core } from '../core';
import { classicToken, code2Session, isTradeManaged, stableToken, uploadShippingInfo } from '../domain/open';
import { bodyObject, queryString, sendJson } from '../http';

export function openRoutes(core: Core): Router {
  const router = new Router();
  const q = (ctx: Parameters<typeof queryString>[0], ...names: string[]) => Object.fromEntries(names.map((n) => [n, queryString(ctx, n)]));
  const logged = (path: string, answer: Record<string, unknown>) => {
    core.log(`${path} → ${answer.errcode ? `errcode ${String(answer.errcode)}` : 'ok'}`);
    return answer;
  };

  router.get('/sns/jscode2session', (ctx) => {
    sendJson(ctx, 200, logged('jscode2session', code2Session(core, q(ctx, 'appid', 'secret', 'js_code', 'grant_type'))));
  });
  router.post('/cgi-bin/stable_token', (ctx) => {
    sendJson(ctx, 200, logged('stable_token', stableToken(core, bodyObject(ctx))));
  });
  router.get('/cgi-bin/token', (ctx) => {
    sendJson(ctx, 200, logged('token', classicToken(core, q(ctx, 'grant_type', 'appid', 'secret'))));
  });
  router.post('/wxa/sec/order/upload_shipping_info', (ctx) => {
    sendJson(ctx, 200, logged('upload_shipping_info', uploadShippingInfo(core, queryString(ctx, 'access_token'), bodyObject(ctx))));
  });
  router.post('/wxa/sec/order/is_trade_managed', (ctx) => {
    sendJson(ctx, 200, logged('is_trade_managed', isTradeManaged(core, queryString(ctx, 'access_token'), bodyObject(ctx))));
  });
  return router;
}
