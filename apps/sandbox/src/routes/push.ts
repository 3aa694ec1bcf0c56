// The control API's side of WeChat's message push: what WeChat would push to the shop when the shopper confirms
// receipt in WeChat's own order UI (`trade_manage_order_settlement`, the settlement push) or asks the shop to ship
// (`trade_manage_remind_shipping`), and where pushes go.
import { Router } from '@koa/router';
import type { Context } from 'koa';
import type { Core } from '../core';
import { ControlError } from '../errors';
import { bodyObject, sendJson } from '../http';
import type { TradeRecord } from '../records';

const seconds = (ms: number) => Math.floor(ms / 1000);

function paidTrade(core: Core, ctx: Context): TradeRecord {
  const input = bodyObject(ctx);
  const transactionId = input?.transaction_id;
  if (typeof transactionId !== 'string' || !transactionId) throw new ControlError(400, 'VALIDATION_FAILED', 'transaction_id is required');
  const trade = core.store.tradeByTransactionId(transactionId);
  if (!trade) throw new ControlError(404, 'TRADE_NOT_FOUND', `no trade with transaction_id ${transactionId}`);
  if (trade.trade_state !== 'SUCCESS' && trade.trade_state !== 'REFUND') throw new ControlError(409, 'TRADE_NOT_PAID', `trade ${trade.out_trade_no} is ${trade.trade_state}`);
  return trade;
}

/** The fields every trade-management push carries (times in Unix seconds). */
function tradeFields(core: Core, trade: TradeRecord, event: string) {
  return {
    ToUserName: `gh_${core.identity.appid.slice(2, 14)}`,
    FromUserName: trade.payer.openid,
    CreateTime: seconds(core.clock.now()),
    MsgType: 'event',
    Event: event,
    transaction_id: trade.transaction_id!,
    merchant_id: trade.mchid,
    sub_merchant_id: '',
    merchant_trade_no: trade.out_trade_no,
    pay_time: seconds(trade.successAt ?? trade.createdAt),
  };
}

export function pushRoutes(core: Core): Router {
  const router = new Router({ prefix: '/__sandbox' });
  const { pusher } = core;

  /** The shopper confirmed receipt in WeChat: the settlement push (confirm_receive_method 2: by the shopper). */
  router.post('/confirm-receipt', async (ctx) => {
    const trade = paidTrade(core, ctx);
    const now = seconds(core.clock.now());
    const shippedAt = trade.shipping?.uploaded_at ? seconds(Date.parse(trade.shipping.uploaded_at)) : now;
    const record = await pusher.push({
      ...tradeFields(core, trade, 'trade_manage_order_settlement'),
      shipped_time: shippedAt,
      estimated_settlement_time: now,
      confirm_receive_method: 2,
      confirm_receive_time: now,
      settlement_time: now,
    });
    sendJson(ctx, 200, record);
  });

  router.post('/remind-shipping', async (ctx) => {
    const trade = paidTrade(core, ctx);
    const record = await pusher.push({ ...tradeFields(core, trade, 'trade_manage_remind_shipping'), msg: '用户提醒商家尽快发货' });
    sendJson(ctx, 200, record);
  });

  router.get('/pushes', (ctx) => {
    const transactionId = typeof ctx.query.transaction_id === 'string' ? ctx.query.transaction_id : undefined;
    sendJson(ctx, 200, { push_url: pusher.url, items: pusher.records.filter((r) => !transactionId || r.transaction_id === transactionId) });
  });

  /** Where pushes go from now on (tests start the API after the sandbox, on a port picked then). */
  router.post('/push-url', (ctx) => {
    const url = bodyObject(ctx)?.url;
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new ControlError(400, 'VALIDATION_FAILED', 'url must be an http(s) URL');
    pusher.url = url;
    sendJson(ctx, 200, { push_url: pusher.url });
  });
  return router;
}
