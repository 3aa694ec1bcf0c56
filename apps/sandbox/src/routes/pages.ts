// The HTML pages: dashboard, login (the H5 build's wx.login) and cashier (the H5 build's wx.requestPayment).
import { Router } from '@koa/router';
import { verifyRequestPayment } from '@xiaodian/wechatpay';
import type { Context } from 'koa';
import type { Core } from '../core';
import { issueLoginCode, openidOf } from '../domain/open';
import { pay, unpayableReason, type PayOutcome } from '../domain/transactions';
import { ControlError } from '../errors';
import { bodyObject, queryString, sendHtml, withParams } from '../http';
import { cashierPage, cashierResultPage } from '../pages/cashier';
import { dashboardLive, dashboardPage } from '../pages/dashboard';
import { loginCodePage, loginPage } from '../pages/login';

const TEST_USERS = ['alice', 'bob'];
const PAY_PARAMS = ['appId', 'timeStamp', 'nonceStr', 'package', 'signType', 'paySign'] as const;

/** Problems with the requestPayment parameters the H5 build passed, as WeChat's cashier would refuse them. */
function paySignErrors(core: Core, prepayId: string, appid: string, params: Record<string, string | undefined>): string[] {
  const errors: string[] = [];
  if (params.signType !== undefined && params.signType !== 'RSA') errors.push(`signType must be "RSA" (got "${params.signType}"; MD5/HMAC are APIv2)`);
  if (params.package !== `prepay_id=${prepayId}`) errors.push(`package must be "prepay_id=${prepayId}" (got "${params.package ?? ''}")`);
  if (params.appId !== appid) errors.push(`appId "${params.appId ?? ''}" is not the appid of the prepay (${appid})`);
  if (!params.timeStamp || !/^\d+$/.test(params.timeStamp)) errors.push('timeStamp must be a string of seconds');
  if (!params.nonceStr || params.nonceStr.length > 32) errors.push('nonceStr must be 1–32 characters');
  const ok = verifyRequestPayment(
    { appId: params.appId ?? '', timeStamp: params.timeStamp ?? '', nonceStr: params.nonceStr ?? '', package: params.package ?? '', paySign: params.paySign ?? '' },
    core.identity.merchantPublicKey,
  );
  if (!ok) errors.push('paySign does not verify with the merchant public key over appId\\ntimeStamp\\nnonceStr\\npackage\\n');
  return errors;
}

export function pageRoutes(core: Core): Router {
  const router = new Router({ prefix: '/__sandbox' });

  router.get('/', (ctx) => {
    if (queryString(ctx, 'partial')) sendHtml(ctx, dashboardLive(core));
    else sendHtml(ctx, dashboardPage(core));
  });

  router.get('/login', (ctx) => {
    sendHtml(ctx, loginPage(queryString(ctx, 'redirect'), TEST_USERS.map((user) => ({ user, openid: openidOf(core, user) }))));
  });
  router.get('/login/choose', (ctx) => {
    const user = queryString(ctx, 'user') ?? '';
    const redirect = queryString(ctx, 'redirect');
    const { code, openid } = issueLoginCode(core, user);
    if (redirect) ctx.redirect(withParams(redirect, { code }));
    else sendHtml(ctx, loginCodePage(user, code, openid));
  });

  const cashierInput = (source: Record<string, unknown>) => {
    const get = (name: string) => (typeof source[name] === 'string' ? (source[name] as string) : undefined);
    const pkg = get('package');
    const prepayId = get('prepay_id') ?? (pkg?.startsWith('prepay_id=') ? pkg.slice('prepay_id='.length) : undefined) ?? '';
    const params = Object.fromEntries(PAY_PARAMS.map((p) => [p, get(p)])) as Record<string, string | undefined>;
    return { prepayId, redirect: get('redirect') || undefined, params, signed: params.paySign !== undefined };
  };

  const check = (input: ReturnType<typeof cashierInput>) => {
    const trade = core.store.tradeByPrepayId(input.prepayId);
    const errors: string[] = [];
    if (!trade) errors.push(`unknown prepay_id "${input.prepayId}"`);
    else {
      if (input.signed) errors.push(...paySignErrors(core, input.prepayId, trade.appid, input.params));
      const reason = unpayableReason(core, trade);
      if (reason) errors.push(`${reason.code}: ${reason.message}`);
    }
    return { trade, errors };
  };

  router.get('/cashier', (ctx) => {
    const input = cashierInput(ctx.query as Record<string, unknown>);
    const { trade, errors } = check(input);
    sendHtml(ctx, cashierPage({ trade, prepayId: input.prepayId, redirect: input.redirect, mchid: core.identity.mchid, errors, paySignChecked: input.signed, params: input.params }));
  });

  router.post('/cashier', (ctx: Context) => {
    const input = cashierInput(bodyObject(ctx) ?? {});
    const outcome = (bodyObject(ctx) ?? {}).outcome as PayOutcome | undefined;
    let result: 'success' | 'cancel' | 'fail';
    let message: string | undefined;
    if (outcome === 'CANCEL') {
      result = 'cancel';
    } else {
      const { errors } = check(input);
      if (errors.length > 0) {
        result = 'fail';
        message = errors.join('; ');
      } else {
        try {
          pay(core, { prepay_id: input.prepayId, outcome: outcome === 'SUCCESS' ? 'SUCCESS' : 'FAIL' });
          result = outcome === 'SUCCESS' ? 'success' : 'fail';
        } catch (error) {
          if (!(error instanceof ControlError)) throw error;
          result = 'fail';
          message = error.message;
        }
      }
    }
    if (input.redirect) ctx.redirect(withParams(input.redirect, message ? { result, message } : { result }));
    else sendHtml(ctx, cashierResultPage(result, message));
  });
  return router;
}
