// JSAPI prepay, queries, close, and the shopper's side of paying (cashier / control API).
import { openidBelongsTo, prepayId as newPrepayId, transactionId as newTransactionId } from '../ids';
import { ControlError, paramError, WxPayError } from '../errors';
import type { Core } from '../core';
import type { TradeRecord } from '../store';
import { parseRfc3339, rfc3339 } from '../time';
import { TRADE_STATE_DESC, transactionView, type TransactionView } from './views';

/** A prepay_id is valid for two hours. */
export const PREPAY_VALIDITY_MS = 2 * 3600 * 1000;
const OUT_TRADE_NO = /^[A-Za-z0-9_\-|*]{6,32}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function requireString(body: Record<string, unknown>, field: string, path = field): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw paramError(path, '为必填项', value);
  if (typeof value !== 'string') throw paramError(path, '必须是字符串', value);
  return value;
}

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

/** notify_urls already found valid: a merchant sends the same one or two on every prepay, and URL parsing costs. */
const validNotifyUrls = new Set<string>();

function notifyUrl(value: string, path: string): string {
  if (validNotifyUrls.has(value)) return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw paramError(path, '不是合法的URL', value);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw paramError(path, '必须是http(s)地址', value);
  if (url.search) throw paramError(path, '不能携带参数', value);
  // Bounded: a script inventing URLs must not grow it without end.
  if (validNotifyUrls.size >= 64) validNotifyUrls.clear();
  validNotifyUrls.add(value);
  return value;
}

function fingerprint(t: { appid: string; description: string; amount: { total: number; currency: string }; openid: string; attach?: string | undefined }): string {
  return JSON.stringify([t.appid, t.description, t.amount.total, t.amount.currency, t.openid, t.attach ?? null]);
}

/** `POST /v3/pay/transactions/jsapi`. */
export function prepay(core: Core, input: unknown, headerMchid: string): { prepay_id: string } {
  if (!isObject(input)) throw new WxPayError(400, 'PARAM_ERROR', '请求体必须是JSON对象');
  const { identity, store, clock } = core;
  const appid = requireString(input, 'appid');
  const mchid = requireString(input, 'mchid');
  const description = requireString(input, 'description');
  const outTradeNo = requireString(input, 'out_trade_no');
  const notify = notifyUrl(requireString(input, 'notify_url'), 'notify_url');
  if (mchid !== headerMchid) throw paramError('mchid', '与请求头中的商户号不一致', mchid);
  if (appid !== identity.appid) throw new WxPayError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');
  if (bytes(description) > 127) throw paramError('description', '长度不能超过127字节', description);
  if (!OUT_TRADE_NO.test(outTradeNo)) throw paramError('out_trade_no', '只能是6-32位数字、大小写字母_-|*', outTradeNo);
  let attach: string | undefined;
  if (input.attach !== undefined) {
    if (typeof input.attach !== 'string') throw paramError('attach', '必须是字符串', input.attach);
    if (bytes(input.attach) > 128) throw paramError('attach', '长度不能超过128字节', input.attach);
    attach = input.attach;
  }
  const amount = input.amount;
  if (!isObject(amount)) throw paramError('amount', '为必填项', amount);
  const total = amount.total;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw paramError('amount/total', '必须是大于0的整数(单位为分)', total);
  const currency = amount.currency ?? 'CNY';
  if (currency !== 'CNY') throw paramError('amount/currency', '只支持CNY', currency);
  const payer = input.payer;
  if (!isObject(payer)) throw paramError('payer', '为必填项', payer);
  const openid = requireString(payer, 'openid', 'payer/openid');
  if (!openidBelongsTo(appid, openid)) throw new WxPayError(400, 'PARAM_ERROR', 'appid和openid不匹配', { field: 'payer/openid', value: openid, location: 'body' });
  let timeExpire: string | undefined;
  let expireAt: number | undefined;
  if (input.time_expire !== undefined) {
    expireAt = parseRfc3339(input.time_expire);
    if (expireAt === undefined) throw paramError('time_expire', '必须是RFC3339格式，如2026-05-20T13:29:35+08:00', input.time_expire);
    timeExpire = input.time_expire as string;
  }

  const now = clock.now();
  const print = fingerprint({ appid, description, amount: { total, currency }, openid, attach });
  const existing = store.data.trades[outTradeNo];
  if (existing) {
    if (existing.trade_state === 'SUCCESS' || existing.trade_state === 'REFUND') throw new WxPayError(400, 'ORDERPAID', '该订单已支付');
    if (existing.trade_state === 'CLOSED') throw new WxPayError(400, 'ORDER_CLOSED', '该订单已关闭');
    if (existing.fingerprint !== print) throw new WxPayError(403, 'OUT_TRADE_NO_USED', '商户订单号重复，且与原订单参数不一致');
    // time_expire is honoured on the first call only; a still-valid prepay_id is returned as it is.
    if (!existing.prepay_id || (existing.prepayExpiresAt ?? 0) <= now) {
      existing.prepay_id = newPrepayId(now);
      existing.prepayExpiresAt = now + PREPAY_VALIDITY_MS;
      existing.updatedAt = now;
      store.saveTrade(existing);
    }
    return { prepay_id: existing.prepay_id };
  }
  if (expireAt !== undefined && expireAt <= now) throw paramError('time_expire', '订单失效时间不能早于当前时间', timeExpire);

  const trade: TradeRecord = {
    appid,
    mchid,
    out_trade_no: outTradeNo,
    description,
    notify_url: notify,
    amount: { total, currency },
    payer: { openid },
    prepay_id: newPrepayId(now),
    prepayExpiresAt: now + PREPAY_VALIDITY_MS,
    trade_state: 'NOTPAY',
    trade_state_desc: TRADE_STATE_DESC.NOTPAY,
    createdAt: now,
    updatedAt: now,
    fingerprint: print,
    origin: 'prepay',
  };
  if (attach !== undefined) trade.attach = attach;
  if (timeExpire !== undefined) {
    trade.time_expire = timeExpire;
    trade.expireAt = expireAt;
  }
  store.saveTrade(trade);
  return { prepay_id: trade.prepay_id! };
}

function checkQueryMchid(core: Core, mchid: string | undefined): void {
  if (!mchid) throw new WxPayError(400, 'PARAM_ERROR', '参数错误: mchid 为必填项', { field: 'mchid', location: 'query' });
  if (mchid !== core.identity.mchid) throw new WxPayError(400, 'PARAM_ERROR', '参数错误: mchid 与请求头中的商户号不一致', { field: 'mchid', value: mchid, location: 'query' });
}

/** `GET /v3/pay/transactions/out-trade-no/{out_trade_no}?mchid=`. */
export function queryByOutTradeNo(core: Core, outTradeNo: string, mchid: string | undefined): TransactionView {
  checkQueryMchid(core, mchid);
  const trade = core.store.data.trades[outTradeNo];
  if (!trade) throw new WxPayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return transactionView(trade);
}

/** `GET /v3/pay/transactions/id/{transaction_id}?mchid=` — only paid trades have a transaction_id. */
export function queryByTransactionId(core: Core, transactionId: string, mchid: string | undefined): TransactionView {
  checkQueryMchid(core, mchid);
  const trade = core.store.tradeByTransactionId(transactionId);
  if (!trade) throw new WxPayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  return transactionView(trade);
}

/** `POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close` → 204; idempotent; a paid trade cannot be closed. */
export function close(core: Core, outTradeNo: string, input: unknown, headerMchid: string): void {
  if (!isObject(input)) throw new WxPayError(400, 'PARAM_ERROR', '请求体必须是JSON对象');
  const mchid = requireString(input, 'mchid');
  if (mchid !== headerMchid) throw paramError('mchid', '与请求头中的商户号不一致', mchid);
  const trade = core.store.data.trades[outTradeNo];
  if (!trade) throw new WxPayError(404, 'ORDER_NOT_EXIST', '订单不存在');
  if (trade.trade_state === 'SUCCESS' || trade.trade_state === 'REFUND') throw new WxPayError(400, 'ORDERPAID', '订单已支付，不能关闭，请发起退款');
  if (trade.trade_state === 'CLOSED') return;
  setState(trade, 'CLOSED', core.clock.now());
  core.store.saveTrade(trade);
}

function setState(trade: TradeRecord, state: TradeRecord['trade_state'], now: number): void {
  trade.trade_state = state;
  trade.trade_state_desc = TRADE_STATE_DESC[state];
  trade.updatedAt = now;
}

export type PayOutcome = 'SUCCESS' | 'CANCEL' | 'FAIL' | 'PAYERROR';
export const PAY_OUTCOMES: readonly PayOutcome[] = ['SUCCESS', 'CANCEL', 'FAIL', 'PAYERROR'];

/** Why a trade cannot be paid right now, or undefined. */
export function unpayableReason(core: Core, trade: TradeRecord): ControlError | undefined {
  const now = core.clock.now();
  if (trade.trade_state === 'SUCCESS' || trade.trade_state === 'REFUND') return new ControlError(400, 'ORDERPAID', '该订单已支付');
  if (trade.trade_state === 'CLOSED') return new ControlError(400, 'ORDER_CLOSED', '该订单已关闭');
  if (trade.expireAt !== undefined && trade.expireAt <= now) return new ControlError(400, 'ORDER_EXPIRED', `订单已过期 (time_expire ${trade.time_expire})`);
  if ((trade.prepayExpiresAt ?? 0) <= now) return new ControlError(400, 'PREPAY_EXPIRED', 'prepay_id已过期(有效期2小时)，请重新下单');
  return undefined;
}

export function payableTrade(core: Core, prepayId: string): TradeRecord {
  const trade = core.store.tradeByPrepayId(prepayId);
  if (!trade) throw new ControlError(404, 'PREPAY_NOT_FOUND', `no trade has prepay_id ${prepayId}`);
  return trade;
}

/**
 * The shopper's decision at the cashier. SUCCESS pays and notifies (unless `notify` is false: a payment the
 * merchant never hears of); FAIL/PAYERROR records a failed payment; CANCEL changes nothing (the shopper
 * closed the cashier; the trade stays NOTPAY).
 */
export function pay(
  core: Core,
  input: { prepay_id: string; outcome: PayOutcome; notify?: boolean; success_time?: string },
): TransactionView {
  const trade = payableTrade(core, input.prepay_id);
  if (input.outcome === 'CANCEL') return transactionView(trade);
  const reason = unpayableReason(core, trade);
  if (reason) throw reason;
  const now = core.clock.now();
  if (input.outcome === 'FAIL' || input.outcome === 'PAYERROR') {
    setState(trade, 'PAYERROR', now);
    core.store.saveTrade(trade);
    return transactionView(trade);
  }
  let successAt = now;
  if (input.success_time !== undefined) {
    const parsed = parseRfc3339(input.success_time);
    if (parsed === undefined) throw new ControlError(400, 'VALIDATION_FAILED', 'success_time must be RFC 3339');
    successAt = parsed;
  }
  markPaid(core, trade, successAt);
  if (input.notify !== false) notifyPayment(core, trade);
  return transactionView(trade);
}

function markPaid(core: Core, trade: TradeRecord, successAt: number): void {
  setState(trade, 'SUCCESS', core.clock.now());
  trade.transaction_id = newTransactionId(successAt);
  trade.success_time = rfc3339(successAt);
  trade.successAt = successAt;
  trade.bank_type = 'OTHERS';
  core.store.saveTrade(trade);
  core.log(`paid ${trade.out_trade_no} ${trade.amount.total} fen → ${trade.transaction_id}`);
}

export function notifyPayment(core: Core, trade: TradeRecord): void {
  core.notifier.create({
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    original_type: 'transaction',
    resource: transactionView(trade) as unknown as Record<string, unknown>,
    out_trade_no: trade.out_trade_no,
    notify_url: trade.notify_url,
  });
}

/**
 * A paid trade created directly at "WeChat", without prepay: the payment a merchant never heard of (for
 * reconciliation tests). Notified only when `notify_url` is given and `notify` is not false.
 */
export function insertPaidTrade(core: Core, input: unknown): TransactionView {
  if (!isObject(input)) throw new ControlError(400, 'VALIDATION_FAILED', 'body must be a JSON object');
  const outTradeNo = input.out_trade_no;
  if (typeof outTradeNo !== 'string' || !OUT_TRADE_NO.test(outTradeNo)) throw new ControlError(400, 'VALIDATION_FAILED', 'out_trade_no must be 6–32 of [A-Za-z0-9_-|*]');
  if (core.store.data.trades[outTradeNo]) throw new ControlError(409, 'OUT_TRADE_NO_USED', `trade ${outTradeNo} exists`);
  const total = isObject(input.amount) ? input.amount.total : input.total;
  if (typeof total !== 'number' || !Number.isInteger(total) || total < 1) throw new ControlError(400, 'VALIDATION_FAILED', 'amount.total must be a positive integer (fen)');
  const openid = typeof input.openid === 'string' ? input.openid : undefined;
  if (openid === undefined) throw new ControlError(400, 'VALIDATION_FAILED', 'openid is required (see POST /__sandbox/login-code or GET /__sandbox/users/:user)');
  const now = core.clock.now();
  let successAt = now;
  if (input.success_time !== undefined) {
    const parsed = parseRfc3339(input.success_time);
    if (parsed === undefined) throw new ControlError(400, 'VALIDATION_FAILED', 'success_time must be RFC 3339');
    successAt = parsed;
  }
  const description = typeof input.description === 'string' ? input.description : 'Sandbox payment';
  const notify = typeof input.notify_url === 'string' ? input.notify_url : '';
  const trade: TradeRecord = {
    appid: core.identity.appid,
    mchid: core.identity.mchid,
    out_trade_no: outTradeNo,
    description,
    notify_url: notify,
    amount: { total, currency: 'CNY' },
    payer: { openid },
    trade_state: 'NOTPAY',
    trade_state_desc: TRADE_STATE_DESC.NOTPAY,
    createdAt: now,
    updatedAt: now,
    fingerprint: fingerprint({ appid: core.identity.appid, description, amount: { total, currency: 'CNY' }, openid }),
    origin: 'inserted',
  };
  if (typeof input.attach === 'string') trade.attach = input.attach;
  markPaid(core, trade, successAt); // saves it
  if (notify && input.notify !== false) notifyPayment(core, trade);
  return transactionView(trade);
}
