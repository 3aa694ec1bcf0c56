// The sandbox's own control API under /__sandbox: test users, paying, settling refunds, faults, the clock,
// key modes, the notification log. Errors: `{error: {code, message}}`.
import { Router } from '@koa/router';
import type { Context, Next } from 'koa';
import type { Core } from '../core';
import { parseSettleOutcome, settleRefund } from '../domain/refunds';
import { insertPaidTrade, PAY_OUTCOMES, pay, type PayOutcome } from '../domain/transactions';
import { issueLoginCode, openidOf } from '../domain/open';
import { grantSubscription, listMessages, quotasOf } from '../domain/subscribe';
import { refundView, transactionView } from '../domain/views';
import { ControlError } from '../errors';
import { FaultError, parseFaultSpec } from '../faults';
import { bodyObject, sendJson } from '../http';
import { KEY_MODES, type KeyMode } from '../keys';
import type { NotificationRecord, Settings } from '../store';
import { rfc3339 } from '../time';

export async function controlErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
  } catch (error) {
    if (error instanceof ControlError) sendJson(ctx, error.status, { error: { code: error.code, message: error.message } });
    else if (error instanceof FaultError) sendJson(ctx, 400, { error: { code: 'VALIDATION_FAILED', message: error.message } });
    else throw error;
  }
}

function body(ctx: Context): Record<string, unknown> {
  const parsed = bodyObject(ctx);
  if (!parsed) throw new ControlError(400, 'VALIDATION_FAILED', 'body must be a JSON object');
  return parsed;
}

/** A notification for the API: everything, with the decrypted resource and each attempt. */
export function notificationView(n: NotificationRecord) {
  return {
    id: n.id,
    event_type: n.event_type,
    summary: n.summary,
    out_trade_no: n.out_trade_no,
    out_refund_no: n.out_refund_no,
    notify_url: n.notify_url,
    status: n.status,
    create_time: n.create_time,
    created_at: new Date(n.createdAt).toISOString(),
    delivered_at: n.deliveredAt ? new Date(n.deliveredAt).toISOString() : undefined,
    next_attempt_at: n.nextAttemptAt && (n.status === 'scheduled' || n.status === 'held') ? new Date(n.nextAttemptAt).toISOString() : undefined,
    scheduled_attempts: n.scheduledAttempts,
    resource: n.resource,
    body: n.body,
    attempts: n.attempts,
  };
}

export type NotificationView = ReturnType<typeof notificationView>;

export function parseSettings(input: Record<string, unknown>): Partial<Settings> {
  const patch: Partial<Settings> = {};
  if (input.auto_settle_refunds_ms !== undefined) {
    const ms = Number(input.auto_settle_refunds_ms);
    if (!Number.isFinite(ms) || ms < 0) throw new ControlError(400, 'VALIDATION_FAILED', 'auto_settle_refunds_ms must be a number ≥ 0');
    patch.auto_settle_refunds_ms = ms;
  }
  for (const flag of ['trade_managed', 'strict_bill_timing'] as const) {
    const value = input[flag];
    if (value === undefined) continue;
    if (typeof value === 'boolean') patch[flag] = value;
    else if (value === 'true' || value === 'false') patch[flag] = value === 'true';
    else throw new ControlError(400, 'VALIDATION_FAILED', `${flag} must be a boolean`);
  }
  return patch;
}

export function controlRoutes(core: Core, apiEnv: () => Record<string, string>): Router {
  const router = new Router({ prefix: '/__sandbox' });
  const { store } = core;

  router.get('/env', (ctx) => sendJson(ctx, 200, apiEnv()));
  router.get('/identity', (ctx) =>
    sendJson(ctx, 200, {
      appid: core.identity.appid,
      mchid: core.identity.mchid,
      merchant_serial: core.identity.merchantSerial,
      public_key_id: core.identity.publicKeyId,
      data_dir: core.identity.dataDir,
      paths: core.identity.paths,
    }),
  );

  router.post('/login-code', (ctx) => sendJson(ctx, 200, issueLoginCode(core, body(ctx).user)));
  router.get('/users/:user', (ctx) => sendJson(ctx, 200, { user: ctx.params.user, openid: openidOf(core, ctx.params.user!) }));

  // Subscribe messages: what tapping "allow" grants, and what the shopper received.
  router.post('/subscribe', (ctx) => sendJson(ctx, 200, grantSubscription(core, body(ctx))));
  router.get('/subscriptions/:openid', (ctx) => sendJson(ctx, 200, { openid: ctx.params.openid, quotas: quotasOf(core, ctx.params.openid!) }));
  router.get('/messages', (ctx) => {
    const openid = typeof ctx.query.openid === 'string' ? ctx.query.openid : undefined;
    sendJson(ctx, 200, { items: listMessages(core, openid) });
  });

  router.post('/pay', (ctx) => {
    const input = body(ctx);
    const outcome = (input.outcome ?? 'SUCCESS') as PayOutcome;
    if (typeof input.prepay_id !== 'string') throw new ControlError(400, 'VALIDATION_FAILED', 'prepay_id is required');
    if (!PAY_OUTCOMES.includes(outcome)) throw new ControlError(400, 'VALIDATION_FAILED', `outcome must be one of ${PAY_OUTCOMES.join(', ')}`);
    const args: Parameters<typeof pay>[1] = { prepay_id: input.prepay_id, outcome };
    if (input.notify === false || input.notify === 'false') args.notify = false;
    if (typeof input.success_time === 'string') args.success_time = input.success_time;
    sendJson(ctx, 200, pay(core, args));
  });

  router.post('/trades', (ctx) => sendJson(ctx, 201, insertPaidTrade(core, body(ctx))));
  router.get('/trades', (ctx) =>
    sendJson(ctx, 200, { items: Object.values(store.data.trades).sort((a, b) => b.createdAt - a.createdAt).map((t) => ({ ...transactionView(t), prepay_id: t.prepay_id, description: t.description, notify_url: t.notify_url, time_expire: t.time_expire, origin: t.origin, shipping: t.shipping })) }),
  );
  router.get('/trades/:out_trade_no', (ctx) => {
    const trade = store.data.trades[ctx.params.out_trade_no!];
    if (!trade) throw new ControlError(404, 'TRADE_NOT_FOUND', `no trade ${ctx.params.out_trade_no}`);
    sendJson(ctx, 200, {
      transaction: transactionView(trade),
      prepay_id: trade.prepay_id,
      description: trade.description,
      notify_url: trade.notify_url,
      time_expire: trade.time_expire,
      origin: trade.origin,
      shipping: trade.shipping,
      refunds: store.refundsOf(trade.out_trade_no).map(refundView),
      notifications: store.data.notifications.filter((n) => n.out_trade_no === trade.out_trade_no).map(notificationView),
    });
  });

  router.get('/refunds', (ctx) => sendJson(ctx, 200, { items: Object.values(store.data.refunds).sort((a, b) => b.createdAt - a.createdAt).map(refundView) }));
  router.post('/refunds/:out_refund_no/settle', (ctx) => {
    sendJson(ctx, 200, settleRefund(core, ctx.params.out_refund_no!, parseSettleOutcome(body(ctx).outcome)));
  });

  router.get('/notifications', (ctx) => {
    const { out_trade_no, out_refund_no, event_type, status } = ctx.query;
    const items = store.data.notifications.filter(
      (n) =>
        (out_trade_no === undefined || n.out_trade_no === out_trade_no) &&
        (out_refund_no === undefined || n.out_refund_no === out_refund_no) &&
        (event_type === undefined || n.event_type === event_type) &&
        (status === undefined || n.status === status),
    );
    sendJson(ctx, 200, { items: items.map(notificationView) });
  });
  router.get('/notifications/:id', (ctx) => {
    const n = core.notifier.find(ctx.params.id!);
    if (!n) throw new ControlError(404, 'NOTIFICATION_NOT_FOUND', `no notification ${ctx.params.id}`);
    sendJson(ctx, 200, notificationView(n));
  });
  router.post('/notifications/:id/redeliver', async (ctx) => {
    const attempt = await core.notifier.redeliver(ctx.params.id!);
    if (!attempt) throw new ControlError(404, 'NOTIFICATION_NOT_FOUND', `no notification ${ctx.params.id}`);
    sendJson(ctx, 200, attempt);
  });

  router.get('/faults', (ctx) => sendJson(ctx, 200, { items: core.faults.all() }));
  router.post('/faults', (ctx) => sendJson(ctx, 201, core.faults.add(parseFaultSpec(body(ctx)))));
  router.delete('/faults', (ctx) => {
    core.faults.clear();
    ctx.status = 204;
  });
  router.delete('/faults/:id', (ctx) => {
    if (!core.faults.remove(ctx.params.id!)) throw new ControlError(404, 'FAULT_NOT_FOUND', `no fault ${ctx.params.id}`);
    ctx.status = 204;
  });

  const clockView = () => ({ now: rfc3339(core.clock.now()), offset_ms: core.clock.offsetMs });
  router.get('/clock', (ctx) => sendJson(ctx, 200, clockView()));
  router.post('/clock', (ctx) => {
    const input = body(ctx);
    if (input.offset_ms !== undefined) {
      const ms = Number(input.offset_ms);
      if (!Number.isFinite(ms)) throw new ControlError(400, 'VALIDATION_FAILED', 'offset_ms must be a number');
      core.clock.offsetMs = ms;
    }
    if (input.advance_ms !== undefined) {
      const ms = Number(input.advance_ms);
      if (!Number.isFinite(ms)) throw new ControlError(400, 'VALIDATION_FAILED', 'advance_ms must be a number');
      core.clock.advance(ms);
    }
    store.data.clockOffsetMs = core.clock.offsetMs;
    store.changed();
    sendJson(ctx, 200, clockView());
  });

  router.get('/keys', (ctx) => sendJson(ctx, 200, core.keys.status(rfc3339)));
  router.post('/keys', async (ctx) => {
    const input = body(ctx);
    if (input.mode !== undefined) {
      if (!KEY_MODES.includes(input.mode as KeyMode)) throw new ControlError(400, 'VALIDATION_FAILED', `mode must be one of ${KEY_MODES.join(', ')}`);
      core.keys.mode = input.mode as KeyMode;
    }
    if (input.rotate === true || input.rotate === 'true') {
      const certificate = await core.keys.rotate();
      core.log(`platform certificate rotated: now signing with ${certificate.serial}`);
    }
    sendJson(ctx, 200, core.keys.status(rfc3339));
  });

  router.get('/settings', (ctx) => sendJson(ctx, 200, store.data.settings));
  router.post('/settings', (ctx) => {
    Object.assign(store.data.settings, parseSettings(body(ctx)));
    store.changed();
    sendJson(ctx, 200, store.data.settings);
  });

  router.post('/reset', (ctx) => {
    core.notifier.cancelAll();
    store.reset();
    core.clock.offsetMs = 0;
    ctx.status = 204;
  });
  return router;
}
