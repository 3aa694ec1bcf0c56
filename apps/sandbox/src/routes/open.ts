// WeChat's open API at its own paths: /sns/jscode2session, /cgi-bin/…, /wxa/sec/order/….
import { Router } from '@koa/router';
import type { Core } from '../core';
import type { Endpoint } from '../faults';
import { classicToken, code2Session, isTradeManaged, stableToken, uploadShippingInfo } from '../domain/open';
import { sendSubscribeMessage } from '../domain/subscribe';
import { bodyObject, queryString, sendJson } from '../http';

export function openRoutes(core: Core): Router {
  const router = new Router();
  const q = (ctx: Parameters<typeof queryString>[0], ...names: string[]) => Object.fromEntries(names.map((n) => [n, queryString(ctx, n)]));
  const logged = (path: string, answer: Record<string, unknown>) => {
    core.log(`${path} → ${answer.errcode ? `errcode ${String(answer.errcode)}` : 'ok'}`);
    return answer;
  };

  /** An `http_5xx` fault naming this endpoint: WeChat's gateway fails before the call is carried out. */
  const failed = (ctx: Parameters<typeof queryString>[0], endpoint: Endpoint): boolean => {
    const failure = core.faults.take('http_5xx', { endpoint });
    if (!failure) return false;
    ctx.status = failure.status ?? 500;
    ctx.type = 'text/html';
    ctx.body = `<html><body><h1>${ctx.status}</h1></body></html>`;
    core.log(`${ctx.method} ${ctx.path} → ${ctx.status} (fault http_5xx)`);
    return true;
  };

  router.get('/sns/jscode2session', (ctx) => {
    if (failed(ctx, 'jscode2session')) return;
    sendJson(ctx, 200, logged('jscode2session', code2Session(core, q(ctx, 'appid', 'secret', 'js_code', 'grant_type'))));
  });
  router.post('/cgi-bin/stable_token', (ctx) => {
    if (failed(ctx, 'stable_token')) return;
    sendJson(ctx, 200, logged('stable_token', stableToken(core, bodyObject(ctx))));
  });
  router.get('/cgi-bin/token', (ctx) => {
    if (failed(ctx, 'token')) return;
    sendJson(ctx, 200, logged('token', classicToken(core, q(ctx, 'grant_type', 'appid', 'secret'))));
  });
  router.post('/wxa/sec/order/upload_shipping_info', (ctx) => {
    if (failed(ctx, 'upload_shipping_info')) return;
    sendJson(ctx, 200, logged('upload_shipping_info', uploadShippingInfo(core, queryString(ctx, 'access_token'), bodyObject(ctx))));
  });
  router.post('/wxa/sec/order/is_trade_managed', (ctx) => {
    if (failed(ctx, 'is_trade_managed')) return;
    sendJson(ctx, 200, logged('is_trade_managed', isTradeManaged(core, queryString(ctx, 'access_token'), bodyObject(ctx))));
  });
  router.post('/cgi-bin/message/subscribe/send', (ctx) => {
    if (failed(ctx, 'subscribe_send')) return;
    sendJson(ctx, 200, logged('subscribe/send', sendSubscribeMessage(core, queryString(ctx, 'access_token'), bodyObject(ctx))));
  });
  return router;
}
